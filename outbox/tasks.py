"""The outbox's two tasks. They take ids, import the services in their bodies (the services
import these tasks) and are safe to run twice: sending claims its row first."""

from celery import shared_task


@shared_task
def send_email(email_id: int) -> str:
    """Send one outbox e-mail if it is due. No Celery retry: a failure is recorded on the row
    with its next attempt minutes away, and the sweep queues it again then."""
    from .services import deliver

    return deliver(email_id=email_id).value


@shared_task
def sweep_outbox() -> int:
    """The periodic sweep: queue every e-mail that is due, or was abandoned by a lost worker."""
    from .services import sweep

    return sweep()
