"""A real Celery worker consuming from Redis sends the review notifications (CI's Redis pass)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from articles.selectors import latest_revision_id
from config.celery import app as celery_app
from review import services
from review.models import Notification

pytestmark = pytest.mark.needs_redis("broker")


@pytest.fixture
def real_worker(transactional_db):
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery_app.conf.task_always_eager = True


def test_a_worker_on_redis_sends_the_submission_notice(real_worker, make_article, author, reviewer):
    article = make_article()
    services.submit(article=article, by=author, seen_revision_id=latest_revision_id(article))
    notification = Notification.objects.get(recipient=reviewer)

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.sent_at:
            break
        time.sleep(0.1)
    assert notification.sent_at is not None, "the worker did not send the notification"
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
