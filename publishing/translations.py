"""What readers of a translation are shown about it: which article and edition their address
names, whether it has fallen behind its English original, and why it was withdrawn.

A translation is an article of its own (articles.models.Article.translation_of) with its own
editions; each edition names the original's edition it translates (Edition.translates). Its
readers are told when the original has a newer approved edition. The English publication that
puts it behind moves the translation's notices (publishing.services.publish), so its stored
pages are replaced from that commit on, and the log's worker refreshes its baked files and edge
copies like any other notice.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, DateTimeField, IntegerField, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Edition

from .selectors import PublicPointer, public_pointer

# Why a translation was withdrawn along with its original (publishing.services).
ORIGINAL_WITHDRAWN = "original_withdrawn"
CORRECTED = "corrected"

# Stored with the withdrawal and shown to the translation's readers, so written in their
# language (the detail, the board's own words, stays as the board wrote it). A language without
# its wording here gets the English one.
_REASONS = {
    "en": {
        ORIGINAL_WITHDRAWN: "The English original was withdrawn, and this translation with it: "
        "{detail}",
        CORRECTED: "Edition {number} of the English original corrects a clinically meaningful "
        "error, so this translation is withdrawn until it is updated. The correction: {detail}",
    },
    "es": {
        ORIGINAL_WITHDRAWN: "Se retiró el artículo original en inglés y, con él, esta "
        "traducción: {detail}",
        CORRECTED: "La edición {number} del original en inglés corrige un error clínicamente "
        "importante, por lo que esta traducción se retira hasta que se actualice. La "
        "corrección: {detail}",
    },
}


def withdrawal_reason(language: str, why: str, *, detail: str, number: int | None = None) -> str:
    wording = _REASONS.get(language, _REASONS["en"])[why]
    return wording.format(detail=detail.strip(), number=number)


def translation_slug(english_slug: str, language: str) -> str:
    """A translation's own (internal) slug: its original's with the language after it."""
    return f"{english_slug}-{language}"


def translation_pointer(english_slug: str, language: str) -> PublicPointer | None:
    """The public pointer of the `language` translation of the article at `english_slug`, when
    its readers may open it or are told it was withdrawn; None when there is none to show (the
    page then falls back to the original)."""
    pointer = public_pointer(translation_slug(english_slug, language))
    if pointer is None or pointer.language != language:
        return None
    if not (pointer.is_public or pointer.is_withdrawn):
        return None
    return pointer


@dataclass(frozen=True)
class Lag:
    """How far a translation's edition is behind its original's public edition."""

    translated_number: int  # the original's edition it translates
    current_number: int  # the original's edition readers of English see now
    behind: int  # approved editions of the original since the translated one
    updated_at: datetime  # when the original's newest edition was published
    english_url: str  # the original's page, in English

    @property
    def is_behind(self) -> bool:
        return self.behind > 0


def newer_text(original: Article, translated: Edition) -> QuerySet[Edition]:
    """The original's approved editions after the translated one that changed its text (an
    edition that only confirmed it still current, "Reviewed, no changes.", changed nothing to
    translate)."""
    return (
        original.editions.approved()
        .filter(number__gt=translated.number)
        .exclude(revision_id=translated.revision_id)
    )


def lag_of(edition: Edition) -> Lag | None:
    """Where a translation's edition stands against its original now; None for an original's
    edition, or one that names no edition it translates."""
    if edition.translates_id is None:
        return None
    translated = edition.translates
    original = Article.objects.select_related("public_edition").get(pk=translated.article_id)
    current = original.public_edition
    if current is None or not current.is_approved or original.withdrawn_at is not None:
        current = translated
    changed = newer_text(original, translated)
    behind = changed.count()
    newest = changed.order_by("-number").first() or translated
    with translation.override(settings.LANGUAGE_CODE):
        english_url = reverse("public:article", kwargs={"slug": original.slug})
    return Lag(
        translated_number=translated.number, current_number=current.number, behind=behind,
        updated_at=newest.published_at, english_url=english_url,
    )  # fmt: skip


def with_lag(translations: QuerySet[Article]) -> QuerySet[Article]:
    """The translations, each annotated with `editions_behind` (the original's editions since
    the one its text translates that changed the text: newer_text) and `behind_since` (when
    the first of them was published; None while it is not behind): two correlated subqueries
    over the editions' (article, number) index, for one page of a list."""
    newer = (
        Edition.objects.approved()
        .filter(
            article_id=OuterRef("translation_of_id"),
            number__gt=OuterRef("translates_edition__number"),
        )
        .exclude(revision_id=OuterRef("translates_edition__revision_id"))
    )
    count = newer.order_by().values("article_id").annotate(n=Count("pk")).values("n")
    since = newer.order_by().values("article_id").annotate(at=Min("published_at")).values("at")
    return translations.annotate(
        editions_behind=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        behind_since=Subquery(since, output_field=DateTimeField()),
    )
