"""Background work of the question app. Tasks take ids and are safe to run twice.

Each e-mail is owed by a stored row (`notified_at`, `reply_sent_at` still empty), so a task lost
to a broker outage is sent later by a sweep, and one run twice finds the row already marked.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

from .models import Question
from .services import purge_expired
from .workflow import EDITOR_GROUPS

logger = logging.getLogger(__name__)

EMERGENCY_ADVICE = (
    "If this is an emergency, call your local emergency number now "
    "(for example 911 in the US or 112 in Europe)."
)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_editors_of_question(question_id: int) -> bool:
    """E-mail the editors about one new question unless they were told already."""
    with transaction.atomic():
        question = (
            Question.objects.select_for_update(skip_locked=True)
            .filter(pk=question_id, notified_at__isnull=True)
            .first()
        )
        if question is None:
            return False
        recipients = _editor_addresses()
        if question.status != Question.Status.SPAM and recipients:
            send_mail(
                _editor_subject(question),
                _editor_body(question),
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
        elif not recipients:
            logger.warning(
                "No editor has an e-mail address; question %s waits in the queue.", question.pk
            )
        question.notified_at = timezone.now()
        question.save(update_fields=["notified_at"])
    return bool(recipients)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_answer(question_id: int) -> bool:
    """E-mail the reader the editors' answer once, then forget their address."""
    with transaction.atomic():
        question = (
            Question.objects.select_for_update(skip_locked=True)
            .filter(pk=question_id, status=Question.Status.ANSWERED, reply_sent_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if question is None:
            return False
        send_mail(
            f"Your question about \u201c{question.article.title}\u201d"[:200],
            _reply_body(question),
            settings.DEFAULT_FROM_EMAIL,
            [question.email],
        )
        # The address was kept only to send this reply.
        question.reply_sent_at = timezone.now()
        question.email = question.name = ""
        question.save(update_fields=["reply_sent_at", "email", "name"])
    return True


@shared_task
def send_unnotified_questions(older_than_seconds: int = 60) -> int:
    """The sweep: editors hear of any question whose notice the broker missed."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = Question.objects.filter(notified_at__isnull=True, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    return sum(notify_editors_of_question(pk) for pk in ids)


@shared_task
def send_unsent_answers(older_than_seconds: int = 60) -> int:
    """The sweep: readers get any answer whose e-mail the broker missed."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = (
        Question.objects.filter(
            status=Question.Status.ANSWERED, reply_sent_at__isnull=True, answered_at__lt=cutoff
        )
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    return sum(send_answer(pk) for pk in ids)


@shared_task
def purge_expired_questions(days: int | None = None) -> int:
    """Delete questions kept longer than VETTED_QUESTION_RETENTION_DAYS."""
    return purge_expired(days=settings.VETTED_QUESTION_RETENTION_DAYS if days is None else days)


def _editor_addresses() -> list[str]:
    editors = User.objects.filter(groups__name__in=EDITOR_GROUPS, is_active=True).exclude(email="")
    return sorted(set(editors.values_list("email", flat=True)))


def _site_url(path: str) -> str:
    return settings.VETTED_SITE_URL.rstrip("/") + path


def _editor_subject(question: Question) -> str:
    prefix = "URGENT-LOOKING reader question" if question.urgent else "New reader question"
    return f"{prefix} on \u201c{question.article.title}\u201d"[:200]


def _editor_body(question: Question) -> str:
    # The question itself stays out of e-mail: readers' words live only in the queue.
    lines = [f"A reader asked a follow-up question on \u201c{question.article.title}\u201d."]
    if question.urgent:
        lines.append(f"It may be urgent: it mentions {', '.join(question.urgent_reasons)}.")
    lines.append(
        "Read and handle it in the question queue: "
        + _site_url(reverse("question_queue:detail", kwargs={"pk": question.pk}))
    )
    return "\n\n".join(lines)


def _reply_body(question: Question) -> str:
    quoted = "\n".join(f"> {line}" for line in question.text.splitlines())
    return "\n\n".join(
        [
            f"Hello {question.name or 'there'},",
            f"Thank you for your question about \u201c{question.article.title}\u201d. You asked:",
            quoted,
            "Our editors' answer:",
            question.answer,
            "This is general information, not medical advice for you. Please talk to your own "
            "care team before making any decision about treatment. " + EMERGENCY_ADVICE,
            f"The article: {_site_url(question.article.get_absolute_url())}",
            "We have deleted your e-mail address now that this reply is sent. Your question "
            f"itself is deleted after {settings.VETTED_QUESTION_RETENTION_DAYS} days.",
        ]
    )
