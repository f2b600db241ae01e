"""Translations as reviewed texts: starting one from an English edition, moving it to a newer
edition, and the translator's queue of what has fallen behind.

A translation is an article of its own (articles.models.Article.translation_of), written
against one edition of its original (`translates_edition`, part of its text): its newest
approved one, or, while the original was never approved, the text readers see provisionally
(publishing.translations.edition_to_translate); after it
is started it is edited through the edit pages and moves through the same table
(review.workflow), where `reads_the_language` and `translates_an_approved_edition` guard its
review.
"""

from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext

from accounts.models import User
from articles.models import Article, Edition
from articles.selectors import revision_source
from articles.services import save_article
from personalization.models import ReaderRole
from personalization.selectors import revision_variant_source, variant_texts
from personalization.services import save_variant
from publishing.translations import (
    edition_to_translate,
    english_edition_name,
    is_later,
    translation_slug,
    with_lag,
)

from .diffs import FieldDiff, article_diff
from .errors import InvalidTransition, NotAllowed
from .models import ReviewEvent
from .paging import page_of
from .services import make_move
from .timeline import timeline_note
from .workflow import language_name, may_write

QUEUE_PAGE_SIZE = 25
# What the queue shows of a translation (its text is never loaded for a list).
QUEUE_FIELDS = (
    "slug", "title", "language", "state", "state_changed_at", "withdrawn_at",
    "translation_of__slug", "translation_of__title", "translates_edition__number",
    "translates_edition__published_at",
    "author__username", "author__first_name", "author__last_name", "author__display_name",
)  # fmt: skip


def translatable_languages() -> list[str]:
    """The site's languages besides the originals' (settings.LANGUAGES)."""
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def may_translate(original: Article, user: User) -> bool:
    """Who may start a translation: whoever may edit the original (its authors, editors,
    admins)."""
    return original.translation_of_id is None and may_write(original, user)


def start_translation(*, original: Article, by: User, language: str) -> Article:
    """A new draft translation of `original`'s newest approved edition (or, never approved, of
    the text it shows provisionally), by `by`: its text and reader versions prefilled with that
    edition's, to be translated, with the same topics."""
    if not may_translate(original, by):
        raise NotAllowed(
            gettext("Only this article's authors, editors or admins may translate it.")
        )
    if language not in translatable_languages():
        raise InvalidTransition(
            gettext("Articles are not translated into “%(language)s”.") % {"language": language}
        )
    name = language_name(language)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=original.pk)
        if locked.translation_of_id is not None:
            raise InvalidTransition(
                gettext("This is a translation: translate its English original.")
            )
        edition = edition_to_translate(locked)
        if edition is None:
            raise InvalidTransition(
                gettext(
                    "Only an article readers can read is translated: the board approves the "
                    "English text first (or an editor publishes it provisionally)."
                )
            )
        if locked.translations.filter(language=language).exists():
            raise InvalidTransition(
                gettext("This article already has a %(language)s translation.")
                % {"language": language_name(language, translated=True)}
            )
        source = revision_source(locked, edition.revision_id)
        translation = Article(
            slug=translation_slug(locked.slug, language), title=source.title,
            summary=source.summary, body=source.body,
            literature_current_through=source.literature_current_through, language=language,
            translation_of=locked, translates_edition=edition,
            review_interval_months=locked.review_interval_months,
        )  # fmt: skip
        comment = f"Started the {name} translation of {english_edition_name(edition)}"
        try:
            _write_translation(translation, locked, edition, by=by, comment=comment)
        except (ValidationError, IntegrityError) as exc:
            raise InvalidTransition(
                gettext("The %(language)s translation could not be started: %(problems)s")
                % {
                    "language": language_name(language, translated=True),
                    "problems": " ".join(getattr(exc, "messages", [str(exc)])),
                }
            ) from exc
        timeline_note(translation, by=by, comment=f"{comment}.")
        timeline_note(locked, by=by, comment=f"{comment}: {translation.slug}.")
    return translation


def _write_translation(
    translation: Article, original: Article, edition: Edition, *, by: User, comment: str
) -> None:
    """The translation's first revision: the article and its reader versions, as one."""
    variants = variant_texts(original, edition.revision_id)
    roles = ReaderRole.objects.in_bulk(variants)
    with reversion.create_revision():  # the nested saves below make one revision
        save_article(article=translation, by=by, comment=comment, topics=original.topics.all())
        for role_id, version in variants.items():
            save_variant(
                article=translation, role=roles[role_id], summary=version.summary,
                body=version.body, by=by, comment=comment,
            )  # fmt: skip


def update_to_edition(*, article: Article, by: User, seen_revision_id: int | None) -> ReviewEvent:
    """The translation now translates its original's newest approved edition (or the text it
    shows provisionally): an edit like any other (a new revision, back to a draft if it was
    approved), its text to be brought in line by the translator."""
    if article.translation_of_id is None:
        raise InvalidTransition(gettext("Only a translation is moved to a newer English edition."))
    newest = edition_to_translate(article.translation_of)
    if newest is None:
        raise InvalidTransition(gettext("The English original has no edition readers can see."))
    if article.translates_edition_id == newest.pk:
        raise InvalidTransition(
            gettext("This translation already translates %(edition)s.")
            % {"edition": english_edition_name(newest)}
        )
    comment = f"Now translates {english_edition_name(newest)}"

    def write(locked: Article) -> None:
        locked.translates_edition = newest
        save_article(article=locked, by=by, comment=comment)

    return make_move(
        "edit", article=article, by=by, seen_revision_id=seen_revision_id, comment=comment,
        write=write,
    )  # fmt: skip


@dataclass(frozen=True)
class EnglishChanges:
    """What changed in the original between the edition a translation translates and its newest
    edition (approved, or shown provisionally): the translator's worklist."""

    translated: Edition
    newest: Edition
    diff: list[FieldDiff]

    @property
    def behind(self) -> bool:
        return is_later(self.newest, self.translated)


def english_changes(translation: Article) -> EnglishChanges | None:
    """The word diff of the original from the edition its readers' Spanish text translates (the
    translation's published edition's; before one, the edition it is written against) to the
    original's newest one (every reader version included), or None where it names no edition.
    Updating the draft to the newest edition keeps the changes in view until the updated
    translation is approved: they are what the translator has to carry over."""
    published = translation.public_edition
    translated = (
        published.translates if published is not None and published.translates_id else None
    ) or translation.translates_edition
    if translated is None:
        return None
    original = translation.translation_of
    shown = original.public_edition  # a provisional text while it was never approved
    newest = (
        original.editions.approved().order_by("-number").first()
        or (shown if shown is not None and is_later(shown, translated) else None)
        or translated
    )
    diff = article_diff(
        revision_variant_source(original, translated.revision_id),
        revision_variant_source(original, newest.revision_id),
    )
    return EnglishChanges(translated=translated, newest=newest, diff=diff)


def translation_queue(articles: QuerySet[Article], *, page: str | None):
    """One page of the translations in `articles` (scoped to the reader by the caller): those
    behind first, the most recently fallen behind first, then the rest by their last change."""
    translations = with_lag(articles.filter(translation_of__isnull=False)).only(*QUEUE_FIELDS)
    ordered = translations.select_related("translation_of", "translates_edition").order_by(
        F("behind_since").desc(nulls_last=True), "-updated_at", "-id"
    )
    return page_of(ordered, page, QUEUE_PAGE_SIZE)
