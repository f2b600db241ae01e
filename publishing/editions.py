"""Writing editions: what readers are shown, as published. Only publishing.services calls these,
under the article's row lock; an edition is never changed afterwards (articles.models.Edition)."""

import hashlib
import json
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime

from accounts.models import User
from articles.models import Article, Edition
from articles.search import index_edition
from articles.selectors import revision_source
from personalization.editions import renditions, search_text
from personalization.models import ReaderRole
from personalization.selectors import approval_fingerprint


def write_approved(
    article: Article, *, revision_id: int, by: User, at: datetime, note: str,
    notice: "PublicNotice | None" = None,
) -> Edition:  # fmt: skip
    """The next numbered edition: the approved revision as every reader role will see it."""
    previous = article.editions.approved().order_by("-number").first()
    number = previous.number + 1 if previous else 1
    note = note or ("First edition." if number == 1 else "")
    entry = {"number": number, "published_at": at.isoformat(), "note": note}
    entry |= notice.as_entry() if notice else {}
    return _publish(
        article, revision_id=revision_id, at=at, kind=Edition.Kind.APPROVED, number=number,
        next_review_due=add_months(at.date(), article.review_interval_months),
        approved_by=by, approver_name=by.public_name, approver_credentials=by.credentials,
        change_note=note, change_log=[*(previous.change_log if previous else []), entry],
    )  # fmt: skip


@dataclass(frozen=True)
class PublicNotice:
    """What an approved edition tells readers beside its change note, for good: the withdrawal
    it ends (when the article was withdrawn before it) and the clinically meaningful error it
    corrects (as the board declared on approving it). Kept in its change-log entry, so every
    later edition carries it too."""

    withdrawn_at: datetime | None = None
    withdrawal_reason: str = ""
    correction: str = ""

    def __bool__(self) -> bool:
        return bool(self.withdrawn_at or self.correction)

    def as_entry(self) -> dict:
        entry = {}
        if self.withdrawn_at is not None:
            entry |= {"withdrawn_at": self.withdrawn_at.isoformat(),
                      "withdrawal_reason": self.withdrawal_reason}  # fmt: skip
        if self.correction:
            entry["correction"] = self.correction
        return entry


def write_pending(article: Article, *, revision_id: int, at: datetime) -> Edition:
    """A never-approved article's submitted text, for readers who may see it with a caution."""
    return _publish(article, revision_id=revision_id, at=at, kind=Edition.Kind.PENDING)


def _publish(article: Article, *, revision_id: int, at: datetime, **fields) -> Edition:
    source = revision_source(article, revision_id)
    edition = Edition(
        article=article,
        revision_id=revision_id,
        published_at=at,
        content_sha256=approval_fingerprint(article, revision_id),
        title=source.title,
        summary=source.summary,
        literature_current_through=source.literature_current_through,
        text_updated_at=source.updated_at,
        renditions=renditions(article, revision_id, list(ReaderRole.objects.all())),
        search_text=search_text(article, revision_id),
        authors=[
            {"name": user.public_name, "credentials": user.credentials, "username": user.username}
            for user in [article.author, *article.co_authors.all()]
        ],
        topics=[{"name": topic.name, "slug": topic.slug} for topic in article.topics.all()],
        stored_sha256_version=STORED_SHA256_VERSION,
        **fields,
    )
    edition.stored_sha256 = stored_sha256(edition)
    edition.save()
    index_edition(edition)  # in this transaction: the edition and its entry commit together
    article.public_edition, article.published_at = edition, at
    return edition


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


STORED_SHA256_VERSION = 2


def stored_sha256(edition: Edition) -> str:
    """A fingerprint of what the row stores for readers, to notice any later change of it.

    Version 1 (the first editions) covers the text and the approver; version 2 adds the review
    date, the authors and the topics. An edition keeps the version it was written with."""
    payload = [
        edition.kind,
        edition.number,
        edition.title,
        edition.summary,
        edition.literature_current_through,
        edition.renditions,
        edition.change_log,
        edition.approver_name,
        edition.approver_credentials,
    ]
    if edition.stored_sha256_version >= 2:
        payload += [edition.next_review_due, edition.authors, edition.topics]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def verify(edition: Edition) -> list[str]:
    """What no longer matches: the stored page, or the pinned revision it was published from."""
    problems = []
    if stored_sha256(edition) != edition.stored_sha256:
        problems.append("the stored text differs from what was published")
    try:
        recomputed = approval_fingerprint(edition.article, edition.revision_id)
    except Exception as exc:  # a revision that no longer reads is itself the finding
        problems.append(f"the pinned revision cannot be read: {type(exc).__name__}: {exc}")
    else:
        if recomputed != edition.content_sha256:
            problems.append("the pinned revision no longer gives the approved text")
    return problems


def backfill(article_ids) -> int:
    """Editions for articles published before editions existed (the data migration's work)."""
    written = 0
    for article in Article.objects.filter(pk__in=list(article_ids)).select_related("approved_by"):
        if article.live_revision_id:
            write_approved(
                article, revision_id=article.live_revision_id, by=article.approved_by,
                at=article.approved_at, note="First edition (recorded when editions began).",
            )  # fmt: skip
        elif article.submitted_revision_id:
            write_pending(article, revision_id=article.submitted_revision_id,
                            at=article.updated_at)  # fmt: skip
        else:
            continue
        article.save(update_fields=["public_edition", "published_at"])
        written += 1
    return written
