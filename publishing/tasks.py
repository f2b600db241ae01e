"""The publication log's two tasks. They take ids and are safe to run twice: a delivery is
claimed before it is applied, and applying brings a surface in line with what is public now."""

from celery import shared_task


@shared_task
def deliver(delivery_id: int) -> str:
    """Apply one delivery if it is due. No Celery retry: a failure is recorded on the row with
    its next attempt, and the sweep queues it again then."""
    from .delivery import deliver as apply

    return apply(delivery_id=delivery_id)


@shared_task
def republish(delivery_id: int) -> str:
    """The same, for a change of surroundings, which may republish every page: routed to a queue
    of its own ("bulk", CELERY_TASK_ROUTES), so a long republication never holds up the
    delivery of a withdrawal, and its worker can run at a lower priority."""
    from .delivery import deliver as apply

    return apply(delivery_id=delivery_id)


@shared_task
def sweep_publication_log() -> int:
    """The periodic sweep: queue every delivery that is due or was abandoned by a lost worker."""
    from .delivery import sweep

    return sweep()
