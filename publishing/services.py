"""The acts that change what readers see. Nothing else writes an article's public pointer
(`public_edition`, `published_at`, `withdrawn_at`, `withdrawal_reason`, `public_notices`) or the
surroundings.

Each act runs inside the caller's transaction, under the article's row lock (review.services
holds it), and writes its entry in the publication log there too: it commits with the act or
not at all, and the log's worker carries it to the baked files and the edge afterwards. Cached
pages need no message: they are kept under the edition they show (publishing.selectors).
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import F

from accounts.models import User
from articles.models import Article, Edition
from articles.search import remove_entry

from . import citations, editions, topic_lists, translations
from .delivery import queue_deliveries
from .editions import Approver
from .models import PublicationEntry, Surroundings

POINTER = ["public_edition", "published_at", "next_review_due", "withdrawn_at",
           "withdrawal_reason"]  # fmt: skip
Kind = PublicationEntry.Kind


def publish(
    *, article: Article, revision_id: int, by: User, at: datetime, note: str,
    approvers: Sequence[Approver] = (), correction: str = "",
    correction_withdraws_translations: bool = False,
) -> Edition:  # fmt: skip
    """Readers now see this approved revision, as the next numbered edition naming everyone who
    signed it off (and a withdrawn article returns at its address). `correction`: the
    clinically meaningful error it corrects, in words for readers. A withdrawal it ends and the
    correction are dated public notices of this edition and every later one
    (publishing.selectors.edition_notices).

    An original's new edition puts its translations behind: their pages say so from the commit
    on. With a correction and `correction_withdraws_translations` (the sign-off policy's), they
    are withdrawn instead, until a translation of this edition is approved."""
    notice = editions.PublicNotice(
        withdrawn_at=article.withdrawn_at,
        withdrawal_reason=article.withdrawal_reason if article.withdrawn_at else "",
        correction=correction.strip(),
    )
    edition = editions.write_approved(
        article, revision_id=revision_id, by=by, at=at, note=note, approvers=approvers,
        notice=notice or None,
    )  # fmt: skip
    article.withdrawn_at, article.withdrawal_reason = None, ""
    _act(Kind.PUBLISH, article, by=by, edition=edition, note=note)
    if correction.strip() and correction_withdraws_translations:
        withdraw_translations(
            original=article, by=by, at=at, why=translations.CORRECTED,
            detail=correction.strip(), number=edition.number,
        )  # fmt: skip
    else:
        for shown in _translations_shown(article):
            notices_changed(article=shown, by=by,
                            note=f"The original has a new edition ({edition.number}).")  # fmt: skip
    return edition


def publish_provisionally(*, article: Article, revision_id: int, by: User, at: datetime) -> Edition:
    """Readers of a never-approved article now see this submitted text, with the "pending
    review" caution and the review tracker, until the board approves or withdraws it."""
    edition = editions.write_pending(article, revision_id=revision_id, at=at)
    _act(Kind.PROVISIONAL, article, by=by, edition=edition)
    # A translation of an earlier provisional text is now behind (publishing.translations).
    for shown in _translations_shown(article):
        notices_changed(article=shown, by=by,
                        note="The original has a new text published provisionally.")  # fmt: skip
    return edition


def withdraw(*, article: Article, by: User, at: datetime, reason: str) -> list[Article]:
    """Readers get 410 with the board's reason instead of any text, from the commit on, until a
    later approval publishes the article again; search stops finding it in the same commit.
    An original's translations are withdrawn with it, in the same commit, saying why; returns
    them."""
    article.withdrawn_at, article.withdrawal_reason = at, reason
    remove_entry(article.pk)
    citations.withdrawn(article)
    topic_lists.withdrawn(article)
    _act(Kind.WITHDRAW, article, by=by, note=reason[:300])
    return withdraw_translations(
        original=article, by=by, at=at, why=translations.ORIGINAL_WITHDRAWN, detail=reason
    )


def withdraw_translations(
    *, original: Article, by: User, at: datetime, why: str, detail: str, number: int | None = None
) -> list[Article]:
    """Withdraw every translation of `original` that readers can see, each with the reason in
    its readers' language (publishing.translations.withdrawal_reason). Call it under the
    original's row lock; the translations' rows are locked here, after it (the order every
    move that touches both takes)."""
    withdrawn = []
    for shown in _translations_shown(original):
        reason = translations.withdrawal_reason(shown.language, why, detail=detail, number=number)
        shown.withdrawn_at, shown.withdrawal_reason = at, reason
        remove_entry(shown.pk)
        topic_lists.withdrawn(shown)
        _act(Kind.WITHDRAW, shown, by=by, note=reason[:300])
        withdrawn.append(shown)
    return withdrawn


def _translations_shown(original: Article) -> list[Article]:
    """The original's translations readers can see now, locked, in id order."""
    if original.translation_of_id is not None:
        return []
    return list(
        Article.objects.select_for_update()
        .filter(translation_of=original, public_edition__isnull=False, withdrawn_at__isnull=True)
        .order_by("pk")
    )


def review_status_changed(*, article: Article, by: User) -> None:
    """A provisionally published article moved through review: its pages show the tracker, so
    the baked files and the edge take the new step (cached pages are keyed by it already); so
    do its translations' pages, which show the same tracker (their key moves here)."""
    edition = article.public_edition
    if edition is None or edition.is_approved or article.withdrawn_at is not None:
        return
    _log(Kind.STATUS, article=article, edition_id=edition.pk, by=by,
         note=article.get_state_display())  # fmt: skip
    # Its translations' pages show the original's tracker while it waits for the board.
    for shown in _translations_shown(article):
        notices_changed(article=shown, by=by, note="The original's review moved on.")


def notices_changed(*, article: Article, by: User, note: str = "") -> None:
    """What readers are told beside this article's edition changed without the edition changing
    (a reference it cites was flagged, or its flag cleared): its pages are kept under a new key
    from the commit on (publishing.selectors), and the log's worker re-bakes its files and
    purges the edge. Call it under the article's row lock, in the transaction of the change."""
    if article.public_edition_id is None or article.withdrawn_at is not None:
        return  # readers see no text of it, so no notice either
    article.public_notices += 1
    article.save(update_fields=["public_notices"])
    _log(Kind.NOTICES, article=article, edition_id=article.public_edition_id, by=by, note=note)


def change_surroundings(part: str, *, by: User | None, note: str = "") -> PublicationEntry:
    """Something every page of some readers shows has changed (Surroundings.PARTS: the reader
    roles, one audience's disclaimer, the people credited): cached pages are replaced from the
    commit on, and the log's worker republishes the baked pages and purges the edge that show
    it, in the background. Call it in the transaction that saved the change."""
    if part not in Surroundings.PARTS:
        raise ValueError(f"{part!r} is not one of {Surroundings.PARTS}")
    with transaction.atomic():
        Surroundings.objects.get_or_create(pk=1)
        Surroundings.objects.filter(pk=1).update(**{part: F(part) + 1})
        return _log(Kind.SURROUNDINGS, part=part, by=by, note=note)


def _act(kind: str, article: Article, *, by: User, edition: Edition | None = None,
         note: str = "") -> None:  # fmt: skip
    if edition is not None:
        article.public_edition, article.published_at = edition, edition.published_at
    article.save(update_fields=POINTER)
    _log(kind, article=article, edition_id=article.public_edition_id, by=by, note=note)


def _log(kind: str, *, by: User | None, note: str = "", **subject) -> PublicationEntry:
    """The entry of an act, and its deliveries, queued to run once the act commits."""
    entry = PublicationEntry.objects.create(kind=kind, actor=by, note=note[:300], **subject)
    # The lists of what is public (feeds, sitemaps) are kept under this version. Moved in the
    # act's transaction, on one row: acts commit one after another, and a list read after the
    # commit is read under the new version (an entry's id alone would not say whether an act
    # with a smaller id has committed since).
    if not Surroundings.objects.filter(pk=1).update(listings=F("listings") + 1):
        Surroundings.objects.get_or_create(pk=1, defaults={"listings": 2})
    queue_deliveries(entry)
    return entry
