from datetime import datetime, timedelta

from django.db.models import Q

from .models import Email


def due_email_ids(*, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """E-mails to send now: queued and due, or left "sending" by a worker lost past the lease."""
    due = Q(status=Email.Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Email.Status.SENDING, sending_started_at__lt=now - lease
    )
    return list(Email.objects.filter(due).order_by("next_attempt_at", "pk").values_list(
        "pk", flat=True
    )[:limit])  # fmt: skip
