"""Background work of the review app. Tasks take ids and are safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ReviewState

from .models import Notification
from .selectors import with_state_since
from .workflow import the_board


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(notification_id: int) -> bool:
    """Send one outbox e-mail unless it has gone already. Returns whether it sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True


@shared_task
def send_unsent_notifications(older_than_seconds: int = 60) -> int:
    """The sweep: anything the broker missed (it was down at commit) goes out now."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    return sum(send_notification(pk) for pk in ids)


@shared_task
def remind_reviewers(days: int | None = None) -> int:
    """Nudge reviewers about articles waiting in review too long; once per stay in a state."""
    days = settings.VETTED_REVIEW_REMINDER_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    waiting = with_state_since(
        Article.objects.filter(state__in=[ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW])
    ).filter(state_since__lt=cutoff)
    created = 0
    for article in waiting:
        event = article.review_events.filter(created_at=article.state_since).latest("pk")
        # Under review, the nudge goes to the reviewer who took it; before that, to the board.
        if article.state == ReviewState.UNDER_REVIEW:
            recipients = [event.actor]
        else:
            recipients = the_board(article)
        for reviewer in recipients:
            if not reviewer.email:
                continue
            notification, is_new = Notification.objects.get_or_create(
                event=event,
                recipient=reviewer,
                kind=Notification.Kind.REMINDER,
                defaults={
                    "subject": f"Still waiting for review: {article.title}"[:200],
                    "body": (
                        f"\u201c{article.title}\u201d has been "
                        f"{article.get_state_display().lower()} for more than {days} days."
                    ),
                },
            )
            if is_new:
                created += 1
                send_notification.delay(notification.pk)
    return created
