"""Carrying each publication log entry to every surface: once, after the commit, with a lease,
retries with back-off, and a sweep for whatever the broker missed. The outbox's way with mail
(outbox.services), for public pages."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from config.queue import enqueue_on_commit

from . import surfaces
from .models import Delivery, PublicationEntry

logger = logging.getLogger(__name__)
Status = Delivery.Status


def queue_deliveries(entry: PublicationEntry) -> list[Delivery]:
    """One delivery per surface this deployment has, queued to run once the act commits.

    A change of surroundings may republish every page: with no broker (tasks run in the
    request) it is left to the sweep (`manage.py apply_publication_log`) rather than run inside
    the request that made the change."""
    deliveries = [
        Delivery.objects.create(entry=entry, surface=surface.name) for surface in surfaces.enabled()
    ]
    bulk = entry.kind == PublicationEntry.Kind.SURROUNDINGS
    if not (settings.CELERY_TASK_ALWAYS_EAGER and bulk):
        for delivery in deliveries:
            enqueue_on_commit(_task(bulk=bulk), delivery.pk)
    return deliveries


def _task(*, bulk: bool):
    from . import tasks

    return tasks.republish if bulk else tasks.deliver


def deliver(*, delivery_id: int) -> str:
    """Apply one delivery if it is due: claim it (committed at once), apply it with no lock
    held, and record the outcome. Run twice, or by two workers, it is applied once at a time."""
    claimed_at = timezone.now()
    if not _claim(delivery_id, claimed_at):
        return "not due"
    delivery = Delivery.objects.select_related("entry__article").get(pk=delivery_id)
    surface = surfaces.named(delivery.surface)
    try:
        if surface is None:
            raise LookupError(f"No surface named {delivery.surface!r} in this deployment.")
        surface.apply(
            delivery.entry,
            resume_after=delivery.resume_after,
            progress=lambda done, total, last: _progress(delivery, done, total, last),
        )
    except Exception as exc:  # whatever the surface did: recorded, tried again later
        return _record_failure(delivery, exc)
    Delivery.objects.filter(pk=delivery.pk, status=Status.APPLYING).update(
        status=Status.APPLIED, applied_at=timezone.now(), leased_until=None, last_error=""
    )
    return "applied"


def apply_due(*, limit: int = 500) -> int:
    """Apply every due delivery here and now, without the broker (`manage.py
    apply_publication_log`: a deployment without a worker, or catching up by hand)."""
    applied = 0
    for delivery_id in _due().values_list("pk", flat=True)[:limit]:
        applied += deliver(delivery_id=delivery_id) == "applied"
    return applied


def _due():
    return Delivery.objects.filter(_is_due(timezone.now())).order_by("next_attempt_at", "id")


def _is_due(now: datetime) -> Q:
    """Queued and its time has come, or abandoned by a lost worker (its lease ran out)."""
    return Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Status.APPLYING, leased_until__lt=now
    )


def sweep(*, limit: int = 500) -> int:
    """Queue every delivery that is due, or was abandoned by a lost worker (the periodic task,
    and `manage.py apply_publication_log`). Returns how many were queued (or, eagerly, run)."""
    queued = 0
    due = _due().values_list("pk", "entry__kind")[:limit]
    for delivery_id, kind in due:
        try:
            task = _task(bulk=kind == PublicationEntry.Kind.SURROUNDINGS)
            task.apply_async((delivery_id,), retry=False)
        except Exception:
            logger.exception("Delivery %s: not queued; the next sweep tries again.", delivery_id)
        else:
            queued += 1
    return queued


def retry_failed(deliveries) -> int:
    """Fresh attempts for failed deliveries, starting now (the admin's "Retry now")."""
    with transaction.atomic():
        ids = list(deliveries.filter(status=Status.FAILED).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), leased_until=None
        )
        kinds = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "entry__kind"))
        for delivery_id in ids:
            bulk = kinds[delivery_id] == PublicationEntry.Kind.SURROUNDINGS
            enqueue_on_commit(_task(bulk=bulk), delivery_id)
    return len(ids)


def oldest_unapplied() -> datetime | None:
    """When the oldest entry still waiting for a surface was written (for /healthz)."""
    waiting = Delivery.objects.filter(status__in=[Status.QUEUED, Status.APPLYING, Status.FAILED])
    return waiting.aggregate(oldest=Min("entry__created_at"))["oldest"]


def backoff(attempts: int) -> timedelta:
    """After the n-th failure: 5, 10, 20, 40 ... seconds by default, at most an hour."""
    seconds = settings.VETTED_PUBLISH_FIRST_RETRY_SECONDS * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, 3600))


def _lease() -> timedelta:
    return timedelta(seconds=settings.VETTED_PUBLISH_LEASE_SECONDS)


def _claim(delivery_id: int, now: datetime) -> bool:
    # One conditional UPDATE, committed at once: of two workers only one sees a row count of 1.
    return bool(
        Delivery.objects.filter(_is_due(now), pk=delivery_id).update(
            status=Status.APPLYING, leased_until=now + _lease(), attempts=F("attempts") + 1
        )
    )


def _progress(delivery: Delivery, done: int, total: int, last: int) -> None:
    # Each batch extends the lease: a long republication is alive, not abandoned.
    Delivery.objects.filter(pk=delivery.pk, status=Status.APPLYING).update(
        done=done, total=total, resume_after=last, leased_until=timezone.now() + _lease()
    )


def _record_failure(delivery: Delivery, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    attempts = delivery.attempts
    if attempts >= settings.VETTED_PUBLISH_MAX_ATTEMPTS:
        changes, outcome = {"status": Status.FAILED}, "failed"
        logger.error("Gave up on delivery %s after %s attempts: %s", delivery, attempts, error)
    else:
        retry_at = timezone.now() + backoff(attempts)
        changes, outcome = {"status": Status.QUEUED, "next_attempt_at": retry_at}, "retry later"
        logger.warning("Delivery %s failed (attempt %s), next try at %s: %s", delivery, attempts,
                       retry_at, error)  # fmt: skip
    Delivery.objects.filter(pk=delivery.pk, status=Status.APPLYING).update(
        last_error=error, leased_until=None, **changes
    )
    return outcome
