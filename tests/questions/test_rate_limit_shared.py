"""The rate limit holds across server processes: two gunicorns sharing one Redis cache.

Runs only when the cache is Redis and the database is one other processes can open (the
PostgreSQL + Redis pass of .ci/run); SQLite's test database lives in this process's memory.
"""

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from questions.models import Question
from tests.questions.conftest import form_data

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 5  # the default VETTED_QUESTION_RATE, "5/h"

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis("cache")]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the 303 itself


def _listening_socket() -> socket.socket:
    """A socket already listening, for a server process to inherit. A request sent before the
    server is ready waits in the backlog, not refused, so nothing has to poll for the start."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


def _database_url() -> str:
    db = settings.DATABASES["default"]  # at test time: the test database
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.questions.server_settings",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",  # no idle connection outlives a request, so teardown can flush
        "CELERY_BROKER_URL": "",  # tasks run in the server process; nothing left in a queue
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1"]
    processes, logs, ports = [], [], []
    for _ in range(2):
        with _listening_socket() as sock:
            ports.append(sock.getsockname()[1])
            logs.append((tmp_path / f"server-{ports[-1]}.log").open("w"))
            processes.append(
                subprocess.Popen(
                    [*command, "--bind", f"fd://{sock.fileno()}"],
                    pass_fds=[sock.fileno()],
                    cwd=ROOT,
                    env=env,
                    stdout=logs[-1],
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        yield ports
    finally:
        for process in processes:
            process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown: the test is over
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for log in logs:
            log.close()


def _get(opener, url: str) -> str:
    # Blocks until the server, still starting perhaps, answers from its listening socket.
    with opener.open(url, timeout=60) as response:
        return response.read().decode()


def _post(opener, url: str, fields: dict) -> int:
    body = urllib.parse.urlencode(fields).encode()
    try:
        with opener.open(url, data=body, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:  # 303 (redirects not followed) and 429 land here
        return exc.code


def test_the_limit_is_shared_by_two_server_processes(transactional_db, article, two_servers):
    # No token to fetch: the form carries none (cross-site posts are refused by their headers).
    opener = urllib.request.build_opener(_NoRedirects)
    urls = [f"http://127.0.0.1:{port}/articles/{article.slug}/questions/" for port in two_servers]
    for url in urls:
        assert "Your question" in _get(opener, url)

    statuses = []
    for attempt in range(2 * LIMIT):  # bounded: stops at the first refusal
        fields = form_data(question=f"Shared limit question number {attempt}?")
        statuses.append(_post(opener, urls[attempt % 2], fields))
        if statuses[-1] == 429:
            break

    assert statuses == [303] * LIMIT + [429], statuses
    # Both processes took part in the count, and the other one refuses as well.
    other = urls[(LIMIT + 1) % 2]
    fields = form_data(question="And one more on the other server?")
    assert _post(opener, other, fields) == 429
    assert Question.objects.count() == LIMIT
