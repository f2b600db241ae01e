"""A real Celery worker consuming from Redis sends the review notifications (CI's Redis pass)."""

import threading

import pytest
from celery import states
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail

from articles.selectors import latest_revision_id
from config.celery import app as celery_app
from outbox.models import Email
from outbox.tasks import send_email
from review import services
from review.models import Notification

pytestmark = pytest.mark.needs_redis("broker")


@pytest.fixture
def real_worker(transactional_db):
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def send_task_done():
    """Set by the worker's thread when a send_email task has finished."""
    done = threading.Event()

    def on_postrun(sender, state, **kwargs):
        if sender.name == send_email.name and state in states.READY_STATES:
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    yield done
    task_postrun.disconnect(on_postrun)


def test_a_worker_on_redis_sends_the_submission_notice(
    real_worker, send_task_done, make_article, author, reviewer
):
    article = make_article()
    services.make_move(
        "submit", article=article, by=author, seen_revision_id=latest_revision_id(article)
    )
    email = Notification.objects.get(recipient=reviewer).email

    assert send_task_done.wait(timeout=20), "the worker did not run send_email"
    email.refresh_from_db()
    assert email.status == Email.Status.SENT, "the worker did not send the notification"
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
