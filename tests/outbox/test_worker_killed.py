"""A worker killed outright in the middle of an SMTP conversation: its task comes back from Redis
(late acks, visibility timeout), a new worker sends the e-mail, and it arrives once."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from outbox import services
from outbox.models import Email

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis("broker")]

PORT = 8141
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workers(transactional_db):
    """Start real worker processes (solo pool: the task runs in the process we kill) on the test
    database, sending through the test SMTP server, with a 2 s visibility timeout and 1 s lease."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{PORT}",
        "VETTED_BROKER_VISIBILITY_TIMEOUT": "2",
        "VETTED_BROKER_RESTORE_INTERVAL": "1",
        "VETTED_MAIL_SENDING_LEASE_SECONDS": "1",
    }
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                   "--without-gossip", "--without-mingle", "--without-heartbeat",
                   "--loglevel=WARNING", "-n", f"{name}@%h"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        started.append(process)
        return process

    celery_app.conf.task_always_eager = False  # this process publishes to Redis
    yield start
    celery_app.conf.task_always_eager = True
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_a_worker_killed_mid_send_hands_its_task_back_and_the_mail_goes_once(workers, smtp_server):
    server = smtp_server("stall_first", port=PORT)
    first = workers("first")
    email = services.queue_email(to="reader@example.org", subject="Hello", body="Text")

    assert server.data_started.wait(timeout=60), "the first worker never reached the server"
    first.send_signal(signal.SIGKILL)  # mid-conversation: the server holds its DATA
    first.wait(timeout=10)
    email.refresh_from_db()
    assert email.status == Email.Status.SENDING and email.attempts == 1

    second = workers("second")
    assert server.delivered.wait(timeout=60), "the task of the killed worker never came back"
    second.send_signal(signal.SIGTERM)  # a warm shutdown finishes the task at hand
    second.wait(timeout=30)

    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.attempts == 2
    assert email.last_error == services.LOST_WORKER
    assert len(server.received) == 1, "the e-mail arrived more than once"
