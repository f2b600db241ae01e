"""Nothing lost: with the broker unreachable, the reader is answered at once and the question is
kept; the sweep tells the editors later."""

import logging
import time

import pytest
from django.core import mail

from config.celery import app as celery_app
from outbox.models import Email
from outbox.tasks import sweep_outbox
from questions.models import Question


def _drop_broker_connections() -> None:
    # Celery's own reset of its connection pools (what a forked worker does): the pools keep the
    # URL they were made with, so without it a publish could still reach a configured broker.
    celery_app._after_fork()


@pytest.fixture
def dead_broker():
    """A real (not eager) publish, to a port where nothing listens."""
    names = ("task_always_eager", "broker_url", "broker_write_url", "broker_transport_options")
    saved = {name: celery_app.conf.get(name) for name in names}
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    # A CELERY_BROKER_URL in the environment (CI's Redis pass) outranks broker_url; publishing
    # uses the write URL, which the environment does not set.
    celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    # kombu waits `interval_start` (2 s by default) before its one retry; production needs the
    # same (see the report): the reader must not wait on a broker that is down.
    celery_app.conf.broker_transport_options = {
        **(saved["broker_transport_options"] or {}),
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
    _drop_broker_connections()
    yield
    celery_app.conf.update(saved)
    _drop_broker_connections()


def test_a_question_is_kept_and_the_reader_redirected_when_the_broker_is_down(
    client, article, ask, editor, reviewer, dead_broker, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="config.queue"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = ask(client, article)
    elapsed = time.monotonic() - started

    assert len(callbacks) == 2  # one publish per editor's notice, after the commit; both failed
    assert "Could not queue outbox.tasks.send_email" in caplog.text
    assert response.status_code == 303
    assert response["Location"] == f"/articles/{article.slug}/questions/thanks/"
    assert elapsed < 2, f"the reader waited {elapsed:.2f}s on a dead broker"
    assert Question.objects.exists()
    notices = Email.objects.filter(dedupe_key__startswith="question-notice:")  # with the question
    assert {n.status for n in notices} == {Email.Status.QUEUED} and mail.outbox == []

    celery_app.conf.task_always_eager = True  # later, with a working worker: the sweep
    assert sweep_outbox.apply().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([editor.email, reviewer.email])
    assert {n.status for n in notices.all()} == {Email.Status.SENT}
