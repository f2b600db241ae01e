"""Background work of the review app. Tasks take ids and are safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


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
