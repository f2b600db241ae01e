"""Work on a schedule: assignments' due dates, reminders and escalation; an editor's cancelling
or re-dating of a scheduled go-live (review.golive publishes it); scheduled re-reviews.

Every e-mail goes through the outbox with a dedupe key naming what it is about, so each
reminder, escalation and notice is written once however often the beat tasks run.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from articles.models import AWAITING_REVIEW, Article, ReviewState
from config.site import site_url
from outbox.services import queue_email

from . import golive
from .errors import InvalidTransition
from .models import ReviewAssignment, ScheduledGoLive, ScheduledReReview
from .timeline import timeline_note
from .workflow import ADMINS, EDIT_ANY, EDITORS, long_date, require_group, the_board

REMIND_DAYS_BEFORE = 2


def day(value: date) -> str:
    return date_format(value, "F j, Y")


# Reminders and escalation --------------------------------------------------------------------


def remind_due_assignments(*, today: date) -> int:
    """Remind each reviewer whose review waits on them two days before it is due and on the day,
    and tell the editors once it is overdue; each e-mail once. Returns how many were written."""
    waiting = (
        ReviewAssignment.objects.filter(
            queued_since__isnull=False,
            due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
            article__state__in=AWAITING_REVIEW,
        )
        .select_related("article", "reviewer")
        .order_by("due_on", "pk")
    )
    # The editors hear of an overdue review; a site without editors, its admins.
    editors = list(User.objects.filter(groups__name=EDITORS, is_active=True).distinct()) or list(
        User.objects.filter(groups__name=ADMINS, is_active=True).distinct()
    )
    written = 0
    for assignment in waiting.iterator(chunk_size=200):
        reviewer, due = assignment.reviewer, assignment.due_on
        if due > today:
            kind, people = "before", [reviewer]
        elif due == today:
            kind, people = "today", [reviewer]
        else:
            kind, people = "overdue", editors
        for person in people:
            if not person.email:
                continue
            with translation.override(person.mail_language):
                subject, body = _due_notice(kind, assignment)
            email = queue_email(
                to=person.email, recipient=person, subject=subject, body=body,
                dedupe_key=f"assignment-due:{assignment.pk}:{due.isoformat()}:{kind}:{person.pk}",
            )  # fmt: skip
            written += email is not None
    return written


def _due_notice(kind: str, assignment: ReviewAssignment) -> tuple[str, str]:
    """The subject and body of a due-date reminder ("before", "today") or of an overdue
    notice to the editors, in the active language."""
    article, reviewer, due = assignment.article, assignment.reviewer, assignment.due_on
    said = {"title": article.title, "day": long_date(due), "reviewer": reviewer.public_name}
    if kind == "before":
        subject = gettext("Review due on %(day)s: %(title)s") % said
        body = gettext("Your review of “%(title)s” is due on %(day)s.") % said
    elif kind == "today":
        subject = gettext("Review due today: %(title)s") % said
        body = gettext("Your review of “%(title)s” is due today.") % said
    else:
        subject = gettext("Overdue review: %(title)s (%(reviewer)s)") % said
        body = (
            gettext(
                "%(reviewer)s's review of “%(title)s” was due on %(day)s and is not "
                "done. Remind them, or assign another reviewer."
            )
            % said
        )
    link = site_url(reverse("review:article", args=[article.slug]))
    return subject, f"{body}\n\n{link}"


# Scheduled go-live: the editors' part ---------------------------------------------------------


def cancel_go_live(*, article: Article, by: User) -> ScheduledGoLive:
    """An editor stops a scheduled go-live: readers keep what they see; the approval stays on
    record, unpublished, until it is scheduled again or a later approval replaces it."""
    require_group(
        by,
        EDIT_ANY,
        gettext_lazy("Only editors or admins may cancel a scheduled go-live."),
    )
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        row = (
            ScheduledGoLive.objects.select_for_update()
            .filter(ScheduledGoLive.PENDING, article=locked)
            .first()
        )
        if row is None:
            raise InvalidTransition(gettext("Nothing is scheduled to go live."))
        row.cancelled_at, row.cancelled_by = timezone.now(), by
        row.cancel_reason = f"Cancelled by {by.public_name}."
        row.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        timeline_note(locked, by=by, comment=(
            f"Cancelled the go-live of revision {row.revision_id} on {day(row.go_live_on)}; "
            "readers keep what they see."
        ))  # fmt: skip
    return row


def waiting_approval(article: Article) -> ScheduledGoLive | None:
    """An approval whose go-live an editor cancelled, not published since: it may be
    scheduled again."""
    last = golive.newest_for(article)
    if (
        last is None
        or last.cancelled_at is None
        or last.cancel_reason.startswith((golive.SUPERSEDED, golive.WITHDRAWN[:20]))
    ):
        return None
    if article.state != ReviewState.APPROVED or article.live_revision_id == last.revision_id:
        return None
    return last


def reschedule_go_live(*, article: Article, by: User, go_live_on: date) -> ScheduledGoLive:
    """Schedule again an approval whose go-live was cancelled (today: at the next run)."""
    require_group(by, EDIT_ANY, gettext_lazy("Only editors or admins may schedule a go-live."))
    if go_live_on < timezone.localdate():
        raise InvalidTransition(gettext("Choose today or a later day."))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        cancelled = waiting_approval(locked)
        if cancelled is None:
            raise InvalidTransition(gettext("There is no approval waiting to be scheduled."))
        return golive.schedule(
            article=locked, revision_id=cancelled.revision_id, by=by, at=timezone.now(),
            note=cancelled.note, go_live_on=go_live_on, approved_by=cancelled.approved_by,
            approved_at=cancelled.approved_at,
        )  # fmt: skip


# Scheduled re-review ------------------------------------------------------------------------


def schedule_re_review(
    *, article: Article, by: User, due_on: date, reason: str = ""
) -> ScheduledReReview:
    """An editor sets a day on which the board looks at an approved article again."""
    require_group(by, EDIT_ANY, gettext_lazy("Only editors or admins may schedule a re-review."))
    reason = reason.strip()[:200]
    if due_on <= timezone.localdate():
        raise InvalidTransition(gettext("Choose a day after today."))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.live_revision_id is None or locked.is_withdrawn:
            raise InvalidTransition(
                gettext("Only an approved article that readers see can be re-reviewed.")
            )
        row = ScheduledReReview.objects.create(
            article=locked, due_on=due_on, reason=reason, scheduled_by=by
        )
        timeline_note(locked, by=by, comment=(
            f"Scheduled a re-review for {day(due_on)}" + (f": {reason}" if reason else ".")
        ))  # fmt: skip
    return row


def cancel_re_review(*, re_review: ScheduledReReview, by: User) -> ScheduledReReview:
    require_group(by, EDIT_ANY, gettext_lazy("Only editors or admins may cancel a re-review."))
    with transaction.atomic():
        row = ScheduledReReview.objects.select_for_update().get(pk=re_review.pk)
        if row.started_at or row.cancelled_at:
            raise InvalidTransition(gettext("This re-review has begun or was cancelled already."))
        row.cancelled_at = timezone.now()
        row.save(update_fields=["cancelled_at"])
        timeline_note(row.article, by=by, comment=f"Cancelled the re-review of {day(row.due_on)}.")
    return row


def start_due_re_reviews(*, today: date, now: datetime | None = None) -> int:
    """Each re-review whose day has come puts its article in the "Review due" queue (readers
    keep the approved text) and tells its reviewers, once. Returns how many began."""
    now = now or timezone.now()
    due = ScheduledReReview.objects.filter(
        started_at__isnull=True, cancelled_at__isnull=True, due_on__lte=today
    ).values_list("pk", flat=True)
    begun = 0
    for row_id in list(due):
        with transaction.atomic():
            row = ScheduledReReview.objects.select_related("scheduled_by").get(pk=row_id)
            article = Article.objects.select_for_update().get(pk=row.article_id)
            row = ScheduledReReview.objects.select_for_update().get(pk=row_id)
            if row.started_at or row.cancelled_at:
                continue
            if article.live_revision_id is None or article.is_withdrawn:
                row.cancelled_at = now
                row.save(update_fields=["cancelled_at"])
                continue
            reason = f"Re-review scheduled for {day(row.due_on)}" + (
                f": {row.reason}" if row.reason else "."
            )
            if article.review_due_since is None:
                article.review_due_since, article.review_due_reason = now, reason[:300]
                # A save, not a bulk update: the page caches and the baked site hear of it.
                article.save(update_fields=["review_due_since", "review_due_reason"])
            row.started_at = now
            row.save(update_fields=["started_at"])
            timeline_note(article, by=row.scheduled_by, comment=f"{reason} It is due now.")
            link = site_url(reverse("review:article", args=[article.slug]))
            for person in the_board(article):
                if person.email:
                    with translation.override(person.mail_language):
                        subject = gettext("Re-review due: %(title)s") % {"title": article.title}
                        body = _re_review_notice(row)
                    queue_email(
                        to=person.email, recipient=person, subject=subject,
                        body=f"{body}\n\n{link}", dedupe_key=f"re-review:{row.pk}:{person.pk}",
                    )  # fmt: skip
            begun += 1
    return begun


def _re_review_notice(row: ScheduledReReview) -> str:
    """What the board is told of a re-review whose day has come, in the active language (the
    timeline and the "Review due" queue keep the reason as written, in English)."""
    said = {"day": long_date(row.due_on), "reason": row.reason}
    scheduled = (
        gettext("Re-review scheduled for %(day)s: %(reason)s") % said
        if row.reason
        else gettext("Re-review scheduled for %(day)s.") % said
    )
    return f"{scheduled}\n{gettext('Readers still see the approved text.')}"
