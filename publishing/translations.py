"""What readers of a translation are shown about it: which article and edition their address
names, whether it has fallen behind its English original, and why it was withdrawn.

A translation is an article of its own (articles.models.Article.translation_of) with its own
editions; each edition names the original's edition it translates (Edition.translates): an
approved one, or the provisional one readers see while the original waits for the board. Its
readers are told when the original has a newer edition that changed its text, and, while the
original was never approved, that its medical content is still pending review. The English
publication that puts it behind, provisional or approved, moves the translation's notices
(publishing.services), so its stored pages are replaced from that commit on, and the log's
worker refreshes its baked files and edge copies like any other notice.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

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

    translated_number: int | None  # the original's edition it translates (None: a pending one)
    current_number: int | None  # the original's edition readers of English see now (likewise)
    behind: int  # editions of the original since the translated one that changed its text
    updated_at: datetime  # when the newest of them was published (else the translated one)
    english_url: str  # the original's page, in English
    # The original is still waiting for the board (never approved): its translation, though
    # approved as a translation, shows the "pending review" caution and the original's tracker.
    awaiting_review: bool = False
    original_state: str = ""  # the original's review state, for that tracker
    translated_at: datetime | None = None  # when the translated edition was published

    @property
    def is_behind(self) -> bool:
        return self.behind > 0


def edition_to_translate(original: Article) -> Edition | None:
    """What a translation of `original` is written against while readers may see it: its newest
    approved edition, or, while it was never approved, the submitted text an editor published
    provisionally (the board reads the translation's fidelity; the medical content stays
    pending with the original's). None while it is withdrawn or nothing of it is public."""
    if original.withdrawn_at is not None:
        return None
    approved = original.editions.approved().order_by("-number").first()
    if approved is not None:
        return approved
    shown = original.public_edition
    return shown if shown is not None and not shown.is_approved else None


def english_edition_name(edition: Edition) -> str:
    """An original's edition as the board's pages name it: "English edition 3", or the
    provisional text by its date."""
    if edition.number is not None:
        return f"English edition {edition.number}"
    return (
        "the English text published provisionally on "
        f"{date_format(timezone.localtime(edition.published_at), 'F j, Y')}"
    )


def is_later(edition: Edition, than: Edition) -> bool:
    """Whether `edition` of an article came after `than`: by number between approved editions;
    a pending edition is shown only while the article was never approved, so it precedes every
    approved one, and pending ones follow each other in the order they were written."""
    if edition.number is not None and than.number is not None:
        return edition.number > than.number
    if edition.number is not None or than.number is not None:
        return edition.number is not None
    return edition.pk > than.pk


def _newer(translated: dict, public_edition_id) -> Q:
    """The original's editions after the translated one (newer_text) with another text:
    approved ones numbered after it (all of them after a pending one), and the provisional
    edition readers see now when it was written after it. `translated`: the translated
    edition's number, pk, revision_id and content_sha256; values or OuterRefs, as is
    `public_edition_id`, the original's."""
    after = Q(kind=Edition.Kind.APPROVED, number__gt=Coalesce(translated["number"], Value(0))) | Q(
        kind=Edition.Kind.PENDING, pk=public_edition_id, pk__gt=translated["pk"]
    )
    # The same text: the same revision, or what readers are shown fingerprinted alike (a
    # provisional text approved as it stood is pinned to a later revision of the same words).
    same = Q(revision_id=translated["revision_id"]) | Q(content_sha256=translated["content_sha256"])
    return after & ~same


_COMPARED = ("number", "pk", "revision_id", "content_sha256")


def newer_text(original: Article, translated: Edition) -> QuerySet[Edition]:
    """The original's editions after the translated one that changed its text: its approved
    ones, and the provisional edition readers see while it waits for the board (an edition that
    only confirmed it still current, "Reviewed, no changes.", or approved the provisional text
    as it stood, changed nothing to translate)."""
    compared = {name: getattr(translated, name) for name in _COMPARED}
    return original.editions.filter(_newer(compared, original.public_edition_id))


def lag_of(edition: Edition) -> Lag | None:
    """Where a translation's edition stands against its original now; None for an original's
    edition, or one that names no edition it translates."""
    if edition.translates_id is None:
        return None
    translated = edition.translates
    original = Article.objects.select_related("public_edition").get(pk=translated.article_id)
    current = original.public_edition
    if current is None or original.withdrawn_at is not None:
        current = translated
    changed = newer_text(original, translated)
    behind = changed.count()
    newest = changed.order_by("-published_at", "-pk").first() or translated
    with translation.override(settings.LANGUAGE_CODE):
        english_url = reverse("public:article", kwargs={"slug": original.slug})
    return Lag(
        translated_number=translated.number, current_number=current.number, behind=behind,
        updated_at=newest.published_at, english_url=english_url,
        awaiting_review=not translated.is_approved and not current.is_approved,
        original_state=original.state, translated_at=translated.published_at,
    )  # fmt: skip


def with_lag(translations: QuerySet[Article]) -> QuerySet[Article]:
    """The translations, each annotated with `editions_behind` (the original's editions since
    the one its text translates that changed the text: newer_text) and `behind_since` (when
    the first of them was published; None while it is not behind): two correlated subqueries
    over the editions' (article, number) index, for one page of a list."""
    compared = {name: OuterRef(f"translates_edition__{name}") for name in _COMPARED}
    newer = Edition.objects.filter(article_id=OuterRef("translation_of_id")).filter(
        _newer(compared, OuterRef("translation_of__public_edition_id"))
    )
    count = newer.order_by().values("article_id").annotate(n=Count("pk")).values("n")
    since = newer.order_by().values("article_id").annotate(at=Min("published_at")).values("at")
    return translations.annotate(
        editions_behind=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        behind_since=Subquery(since, output_field=DateTimeField()),
    )
