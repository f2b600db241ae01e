"""Background work of the review app. Tasks are safe to run twice; they import the services in
their bodies (the services import the outbox's tasks). Its e-mails go through the outbox."""

from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.models import User
from articles.models import AWAITING_REVIEW, Article, ReviewState
from config.site import site_url

from .models import Notification
from .workflow import REVIEWERS, STATE_NAMES, the_board


@shared_task
def remind_reviewers(days: int | None = None) -> int:
    """Nudge reviewers about articles waiting in review too long; once per stay in a state."""
    from .services import notify

    days = settings.VETTED_REVIEW_REMINDER_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    waiting = Article.objects.filter(state__in=AWAITING_REVIEW, state_changed_at__lt=cutoff)
    created = 0
    for article in waiting:
        event = article.review_events.exclude(from_state=F("to_state")).latest("pk")
        # Under review, the nudge goes to the reviewer who took it; before that, to the board.
        if article.state == ReviewState.UNDER_REVIEW:
            recipients = [event.actor]
        else:
            recipients = the_board(article)
        for reviewer in recipients:
            if not reviewer.email:
                continue
            with translation.override(reviewer.mail_language):
                said = {
                    "title": article.title,
                    "state": str(STATE_NAMES[article.state]).lower(),
                    "days": days,
                }
                subject = gettext("Still waiting for review: %(title)s") % said
                body = gettext("“%(title)s” has been %(state)s for more than %(days)s days.") % said
            reminder = notify(
                event=event,
                recipient=reviewer,
                kind=Notification.Kind.REMINDER,
                subject=subject,
                body=body,
            )
            created += reminder is not None
    return created


@shared_task
def flag_reviews_due(today: str | None = None) -> int:
    """Put approved articles whose review date has come into the "Review due" queue, and tell
    the board once a day how many wait there. Readers keep the approved text meanwhile."""
    from outbox.services import queue_email

    from .services import scheduled_review_reason

    day = date.fromisoformat(today) if today else timezone.localdate()
    due = Article.objects.filter(
        live_revision__isnull=False,
        withdrawn_at__isnull=True,
        review_due_since__isnull=True,
        public_edition__next_review_due__lte=day,
    ).select_related("public_edition")
    flagged = 0
    for article in due.iterator(chunk_size=200):
        article.review_due_since = timezone.now()
        article.review_due_reason = scheduled_review_reason(article, day)
        # A save, not a bulk update: the page caches and the baked site hear of it.
        article.save(update_fields=["review_due_since", "review_due_reason"])
        flagged += 1
    # Pages that tell readers the review is overdue from today on: their caches and baked files
    # are renewed by the save.
    overdue_from_today = day - timedelta(days=settings.VETTED_REVIEW_GRACE_DAYS + 1)
    for article in Article.objects.filter(
        withdrawn_at__isnull=True, public_edition__next_review_due=overdue_from_today
    ).iterator(chunk_size=200):
        article.save(update_fields=["updated_at"])
    waiting = Article.objects.filter(review_due_since__isnull=False).count()
    if waiting:
        for reviewer in User.objects.filter(groups__name=REVIEWERS, is_active=True).distinct():
            if reviewer.email:
                with translation.override(reviewer.mail_language):
                    subject = ngettext("%(count)s article due for review",
                                       "%(count)s articles due for review",
                                       waiting) % {"count": waiting}  # fmt: skip
                    body = ngettext(
                        "%(count)s approved article is due for review. Readers still see the "
                        "approved text.",
                        "%(count)s approved articles are due for review. Readers still see the "
                        "approved text.",
                        waiting,
                    ) % {"count": waiting}  # fmt: skip
                queue_email(
                    to=reviewer.email, recipient=reviewer, subject=subject,
                    body=f"{body}\n\n" + site_url(reverse("review:due")),
                    dedupe_key=f"reviews-due:{day.isoformat()}:{reviewer.pk}",
                )  # fmt: skip
    return flagged


@shared_task
def remind_assignments_due(today: str | None = None) -> int:
    """Reminders before and on an assignment's due date, escalation to the editors after it."""
    from .schedule import remind_due_assignments

    day = date.fromisoformat(today) if today else timezone.localdate()
    return remind_due_assignments(today=day)


@shared_task
def publish_scheduled(now: str | None = None) -> int:
    """Publish each scheduled go-live whose day has come; each once. Returns how many."""
    from .golive import due_ids, go_live

    moment = datetime.fromisoformat(now) if now else timezone.now()
    published = 0
    for scheduled_id in due_ids(timezone.localdate(moment)):
        published += go_live(scheduled_id=scheduled_id, now=moment)
    return published


@shared_task
def start_re_reviews(today: str | None = None) -> int:
    """Scheduled re-reviews whose day has come enter the "Review due" queue."""
    from .schedule import start_due_re_reviews

    day = date.fromisoformat(today) if today else timezone.localdate()
    return start_due_re_reviews(today=day)
