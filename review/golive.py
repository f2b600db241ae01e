"""Scheduled go-live: the board approves with "Publish on <date>"; readers keep what they see
until that day, when the beat task (review.tasks.publish_scheduled) publishes the approved
revision through publishing.services.publish, once, and the timeline records it.

The approval itself is the board's move (review.workflow.pin_approval); what waits is only its
publication. At go-live the task checks again that it still stands: an article withdrawn after
it was scheduled stays withdrawn, and a later approval that went live at once supersedes it.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from articles.memo import read_once
from articles.models import Article
from personalization.selectors import approval_fingerprint
from publishing import services as publishing

from .models import ScheduledGoLive
from .policy import policy_for
from .signoffs import approvers_of
from .timeline import timeline_note

SUPERSEDED = "Superseded by a later approval."
WITHDRAWN = "The article was withdrawn after its go-live was scheduled."


def schedule(
    *, article: Article, revision_id: int, by: User, at: datetime, note: str, go_live_on: date,
    correction: str = "", approved_by: User | None = None, approved_at: datetime | None = None,
) -> ScheduledGoLive:  # fmt: skip
    """Keep an approval to publish on `go_live_on`. Call it under the article's row lock."""
    supersede(article=article, by=by)
    row = ScheduledGoLive.objects.create(
        article=article, revision_id=revision_id, approved_by=approved_by or by,
        approved_at=approved_at or at, note=note, correction=correction, go_live_on=go_live_on,
        scheduled_by=by,
    )  # fmt: skip
    shown = article.public_edition
    until = f"edition {shown.number}" if shown and shown.number else "what they see now"
    timeline_note(article, by=by, comment=(
        f"Revision {revision_id} goes live on {date_format(go_live_on, 'F j, Y')}; readers keep "
        f"{until} until then."
    ))  # fmt: skip
    return row


def supersede(*, article: Article, by: User) -> int:
    """A new approval replaces any go-live still waiting (under the article's row lock)."""
    return (
        ScheduledGoLive.objects.filter(ScheduledGoLive.PENDING, article=article)
        .update(cancelled_at=timezone.now(), cancelled_by=by, cancel_reason=SUPERSEDED)
    )  # fmt: skip


def pending_for(article: Article) -> ScheduledGoLive | None:
    """The go-live still waiting, if any: only ever the newest (schedule supersedes the others
    under the article's lock)."""
    newest = newest_for(article)
    if newest is None or newest.published_at or newest.cancelled_at:
        return None
    return newest


@read_once
def newest_for(article: Article) -> ScheduledGoLive | None:
    """The article's newest scheduled go-live, whatever became of it."""
    return article.go_lives.order_by("-pk").select_related("approved_by", "scheduled_by").first()


def due_ids(today: date) -> list[int]:
    """The go-lives whose day has come (index go_live_pending)."""
    return list(
        ScheduledGoLive.objects.filter(ScheduledGoLive.PENDING, go_live_on__lte=today)
        .order_by("go_live_on", "pk")
        .values_list("pk", flat=True)
    )


def go_live(*, scheduled_id: int, now: datetime | None = None) -> bool:
    """Publish one scheduled approval if its day has come and it still stands; True if it went
    live now. Safe to run twice: the row is locked and done once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        article_id = ScheduledGoLive.objects.values_list("article_id", flat=True).get(
            pk=scheduled_id
        )
        article = Article.objects.select_for_update().get(pk=article_id)
        row = (
            ScheduledGoLive.objects.select_for_update()
            .filter(ScheduledGoLive.PENDING, pk=scheduled_id, go_live_on__lte=today)
            .select_related("approved_by")
            .first()
        )
        if row is None:
            return False
        if article.withdrawn_at is not None and article.withdrawn_at > row.created_at:
            row.cancelled_at, row.cancel_reason = now, WITHDRAWN
            row.save(update_fields=["cancelled_at", "cancel_reason"])
            timeline_note(article, by=row.scheduled_by, comment=(
                f"Revision {row.revision_id} did not go live: {WITHDRAWN}"
            ))  # fmt: skip
            return False
        article.live_revision_id = row.revision_id
        article.approved_by, article.approved_at = row.approved_by, row.approved_at
        article.approved_sha256 = approval_fingerprint(article, row.revision_id)
        article.save(
            update_fields=["live_revision", "approved_by", "approved_at", "approved_sha256"]
        )
        edition = publishing.publish(
            article=article, revision_id=row.revision_id, by=row.approved_by, at=now,
            note=row.note, correction=row.correction,
            approvers=approvers_of(article, row.revision_id),
            correction_withdraws_translations=policy_for(article).correction_withdraws_translations,
        )  # fmt: skip
        row.published_at, row.edition = now, edition
        row.save(update_fields=["published_at", "edition"])
        timeline_note(article, by=row.scheduled_by, comment=(
            f"Went live as scheduled: revision {row.revision_id} is edition {edition.number}, "
            f"approved by {row.approved_by.public_name}."
        ))  # fmt: skip
    return True
