"""Background work of the question app. Its e-mails are outbox rows written by the services and
sent by the outbox's task and sweep; what is left here is the retention purge."""

from celery import shared_task
from django.conf import settings


@shared_task
def purge_expired_questions(days: int | None = None) -> int:
    """Delete questions kept longer than VETTED_QUESTION_RETENTION_DAYS."""
    from .services import purge_expired

    return purge_expired(days=settings.VETTED_QUESTION_RETENTION_DAYS if days is None else days)
