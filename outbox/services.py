"""Every write to the outbox goes through here.

A caller writes its e-mails with `queue_email` inside its own transaction; each is queued for
sending once that transaction commits. Sending claims the row (queued → sending) and commits
before talking to the mail server, so no row lock is held during SMTP, and marks it sent after.

Delivery is at least once, not exactly once: a row left in "sending" longer than the lease is
taken to belong to a worker that was killed, and is sent again. If that worker had finished its
SMTP conversation but died before marking the row sent, the message arrives twice. The lease
(VETTED_MAIL_SENDING_LEASE_SECONDS) is far longer than the SMTP timeout, so a live worker never
loses its row to another.
"""

import enum
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Case, EmailField, F, Q, QuerySet, TextField, Value, When
from django.utils import timezone

from accounts.models import User
from config.queue import enqueue_on_commit

from .models import Email
from .selectors import due_email_ids
from .tasks import send_email as send_email_task

logger = logging.getLogger(__name__)

Status = Email.Status
LOST_WORKER = "The worker sending this was lost mid-send; sent again after the lease ran out."


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY_LATER = "retry_later"
    FAILED = "failed"
    NOT_DUE = "not_due"  # sent already, being sent, failed, or waiting for its next attempt


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    recipient: User | None = None,
    dedupe_key: str | None = None,
    forget_address_when_sent: bool = False,
) -> Email | None:
    """Write one e-mail, to be sent after the caller's commit; None if `dedupe_key` was written."""
    if dedupe_key is not None and Email.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent writer of the same key wins
            email = Email.objects.create(
                to=to,
                recipient=recipient,
                subject=" ".join(subject.split())[:255],
                body=body,
                dedupe_key=dedupe_key,
                forget_address_when_sent=forget_address_when_sent,
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    enqueue_on_commit(send_email_task, email.pk)
    return email


def deliver(*, email_id: int) -> Outcome:
    """Send one outbox e-mail if it is due: claim it, commit, send, then record what happened."""
    claimed_at = timezone.now()
    if not _claim(email_id, claimed_at):
        return Outcome.NOT_DUE
    email = Email.objects.get(pk=email_id)
    message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
    try:
        message.send()
    except Exception as exc:  # whatever the mail server or the network did, record it
        return _record_failure(email, claimed_at, exc)
    Email.objects.filter(pk=email.pk, status=Status.SENDING, sending_started_at=claimed_at).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        to=Case(
            When(forget_address_when_sent=True, then=Value("")),
            default=F("to"),
            output_field=EmailField(),
        ),
    )
    return Outcome.SENT


def sweep(*, limit: int = 500) -> int:
    """Queue every due e-mail; one that cannot be queued (or, run eagerly, sent) stops no other."""
    _give_up_abandoned()
    queued = 0
    for email_id in due_email_ids(now=timezone.now(), lease=_lease(), limit=limit):
        try:
            send_email_task.apply_async((email_id,), retry=False)
        except Exception:
            logger.exception("Outbox e-mail %s: not sent; the next sweep tries again.", email_id)
        else:
            queued += 1
    return queued


def retry_failed(*, emails: QuerySet[Email], by: User) -> int:
    """Give failed e-mails a fresh set of attempts, starting now (an admin's "retry now")."""
    with transaction.atomic():
        ids = list(
            emails.select_for_update().filter(status=Status.FAILED).values_list("pk", flat=True)
        )
        Email.objects.filter(pk__in=ids).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        for email_id in ids:
            enqueue_on_commit(send_email_task, email_id)
    logger.info("%s asked to retry failed e-mails %s.", by, ids)
    return len(ids)


def settle_unsent(*, emails: QuerySet[Email], reason: str) -> int:
    """Close queued e-mails nobody should receive without handing them to the mail server.

    For the demo's setup (load_demo), whose notices go to its own example.org users: they are
    marked sent, so no sweep sends them later, and `reason` is kept on the row, so the outbox
    does not pretend they went out. Call it in the transaction that wrote them: the send task
    queued for each then finds nothing due."""
    return emails.filter(status=Status.QUEUED).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=reason
    )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4, 8, 16 ... minutes by default."""
    return timedelta(seconds=settings.VETTED_MAIL_FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


def _lease() -> timedelta:
    return timedelta(seconds=settings.VETTED_MAIL_SENDING_LEASE_SECONDS)


def _claim(email_id: int, now: datetime) -> bool:
    # One conditional UPDATE, committed at once: of two workers, only one sees its row count 1.
    # An attempt is counted when it starts, so a message that kills its worker still runs out.
    abandoned = Q(
        status=Status.SENDING,
        sending_started_at__lt=now - _lease(),
        attempts__lt=settings.VETTED_MAIL_MAX_ATTEMPTS,
    )
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now)
    return bool(
        Email.objects.filter(due | abandoned, pk=email_id).update(
            status=Status.SENDING,
            sending_started_at=now,
            attempts=F("attempts") + 1,
            last_error=Case(
                When(status=Status.SENDING, then=Value(LOST_WORKER)),
                default=F("last_error"),
                output_field=TextField(),
            ),
        )
    )


def _record_failure(email: Email, claimed_at: datetime, exc: Exception) -> Outcome:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if email.attempts >= settings.VETTED_MAIL_MAX_ATTEMPTS:
        outcome, changes = Outcome.FAILED, {"status": Status.FAILED}
        logger.error("Gave up on outbox e-mail %s after %s attempts: %s", email.pk,
                     email.attempts, error)  # fmt: skip
    else:
        retry_at = timezone.now() + backoff(email.attempts)
        outcome = Outcome.RETRY_LATER
        changes = {"status": Status.QUEUED, "next_attempt_at": retry_at}
        logger.warning("Outbox e-mail %s failed (attempt %s), next try at %s: %s", email.pk,
                       email.attempts, retry_at, error)  # fmt: skip
    Email.objects.filter(pk=email.pk, status=Status.SENDING, sending_started_at=claimed_at).update(
        last_error=error, **changes
    )
    return outcome


def _give_up_abandoned() -> None:
    # A row whose every attempt ended with its worker lost (a message that kills the worker).
    Email.objects.filter(
        status=Status.SENDING,
        sending_started_at__lt=timezone.now() - _lease(),
        attempts__gte=settings.VETTED_MAIL_MAX_ATTEMPTS,
    ).update(status=Status.FAILED, last_error=LOST_WORKER)
