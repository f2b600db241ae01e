"""A withdrawal reaches every reader on every path, with real processes: gunicorn with four
workers on the default settings (each with its own memory cache), on production's settings with
Redis, and Varnish in front purged by the publication log, also after a broker outage.

The site runs from a SQLite file of its own (migrated, the demo loaded and approved by the
project's commands), so the servers, the withdrawal and this test are separate processes that
share nothing but the database, as in production.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.varnish import render

ROOT = Path(__file__).resolve().parents[2]
SLUG = "nsclc-her2-exon-20-first-line"
PAGE = f"/articles/{SLUG}/"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
# The test run's own configuration, which the site's processes must not inherit (tasks run in
# the process that queues them: no broker).
OURS = ("DJANGO_", "CELERY_", "VETTED_", "DATABASE_URL", "CACHE_URL", "REDIS_URL")
WITHDRAW = f"""
from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id
from review.services import make_move
article = Article.objects.get(slug="{SLUG}")
make_move("withdraw", article=article, by=User.objects.get(username="reviewer"),
          comment="A dosing figure was wrong", seen_revision_id=latest_revision_id(article))
"""


def _manage(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def site(tmp_path) -> dict:
    """The environment of a site with the demo article approved, in a SQLite file."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in OURS and not k.startswith(OURS)},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",  # no CACHE_URL: per process
        "DEMO_PASSWORD": "withdrawal-test-password",
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_demo")
    _manage(env, "shell", "-v0", stdin=(ROOT / "bench" / "approve_demo.py").read_text())
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    with sock, log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers",
             str(workers), "--bind", f"fd://{sock.fileno()}"],
            pass_fds=[sock.fileno()], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return process, port


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def gunicorn(site, tmp_path) -> Iterator:
    """Start gunicorn on the site with these settings and workers; stopped after the test."""
    started = []

    def start(workers: int = 4, **env: str) -> int:
        process, port = _serve({**site, **env}, workers, tmp_path / f"gunicorn-{len(started)}.log")
        started.append(process)
        return port

    yield start
    for process in started:
        _stop(process)


def _get(port: int, path: str = PAGE) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()  # a new connection each time: gunicorn's workers take turns
    return response.status, body, {k.lower(): v for k, v in response.getheaders()}


def _statuses(port: int, path: str = PAGE, times: int = 40) -> set[int]:
    return {_get(port, path)[0] for _ in range(times)}


def _every_worker_has_the_page(port: int) -> None:
    for path in (PAGE, f"{PAGE}for/patient/", f"{PAGE}?role=patient"):
        assert _statuses(port, path) == {200}


def test_four_workers_on_the_default_settings_all_stop_serving_a_withdrawn_article(site, gunicorn):
    port = gunicorn(workers=4)
    _every_worker_has_the_page(port)  # each worker has kept the pages in its own memory
    _manage(site, "shell", "-v0", "-c", WITHDRAW)
    for path in (PAGE, f"{PAGE}for/patient/", f"{PAGE}?role=patient"):
        assert _statuses(port, path) == {410}
    assert "A dosing figure was wrong" in _get(port)[1]


@pytest.mark.needs_redis("cache")
def test_production_settings_with_redis_stop_serving_a_withdrawn_article(site, gunicorn, settings):
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "CACHE_URL": settings.CACHES["default"]["LOCATION"], "SECRET_KEY": "test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1", "EMAIL_URL": "smtp://127.0.0.1:25",
        "VETTED_SITE_URL": "http://127.0.0.1", "VETTED_EDITION_KEYS": "test:" + "k" * 40,
        "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
    }  # fmt: skip
    _manage({**site, **production}, "collectstatic", "--noinput", "-v0")  # whitenoise's manifest
    port = gunicorn(workers=4, **production)
    _every_worker_has_the_page(port)
    _manage(site, "shell", "-v0", "-c", WITHDRAW)
    for path in (PAGE, f"{PAGE}for/patient/", f"{PAGE}?role=patient"):
        assert _statuses(port, path) == {410}


@pytest.fixture
def varnish(tmp_path) -> Iterator:
    """varnishd with deploy/varnish.vcl in front of a port; stopped after the test."""
    pids = []

    def start(backend_port: int) -> int:
        work, port = tmp_path / f"varnish-{len(pids)}", _free_port()
        work.mkdir()
        (work / "vetted.vcl").write_text(render(backend_host="127.0.0.1",
                                                backend_port=backend_port))  # fmt: skip
        started = subprocess.run(
            [VARNISHD, "-a", f"127.0.0.1:{port}", "-T", "none", "-n", str(work / "state"),
             "-f", str(work / "vetted.vcl"), "-s", "malloc,32m", "-j", "none",
             "-P", str(work / "pid")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert started.returncode == 0, started.stderr + started.stdout
        pids.append(int((work / "pid").read_text()))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                assert time.monotonic() < deadline, "varnishd did not start"
                time.sleep(0.05)

    yield start
    for pid in pids:
        os.kill(pid, signal.SIGTERM)


def _cached_at_the_edge(port: int, path: str = PAGE) -> None:
    _get(port, path)
    status, _, headers = _get(port, path)
    assert status == 200 and headers["x-cache"] == "HIT"


@pytest.mark.skipif(
    not Path(VARNISHD).exists() and os.environ.get("CI") != "true",
    reason="needs Debian's varnish and varnish-modules (make varnish; .ci/run installs them)",
)
def test_the_publication_log_purges_a_withdrawn_article_from_varnish(site, gunicorn, varnish):
    edge = varnish(gunicorn(workers=2))
    for path in (PAGE, f"{PAGE}for/patient/"):
        _cached_at_the_edge(edge, path)
    _manage({**site, "VETTED_VARNISH_URL": f"http://127.0.0.1:{edge}"}, "shell", "-v0", "-c",
            WITHDRAW)  # fmt: skip
    for path in (PAGE, f"{PAGE}for/patient/"):
        status, html, headers = _get(edge, path)
        assert status == 410 and "A dosing figure was wrong" in html
        assert "surrogate-key" not in headers and "cache-tag" not in headers


@pytest.mark.skipif(
    not Path(VARNISHD).exists() and os.environ.get("CI") != "true",
    reason="needs Debian's varnish and varnish-modules (make varnish; .ci/run installs them)",
)
def test_with_the_broker_down_the_edge_catches_up_in_one_sweep_after_it_returns(
    site, gunicorn, varnish
):
    origin = gunicorn(workers=2)
    edge = varnish(origin)
    _cached_at_the_edge(edge)
    down = {**site, "VETTED_VARNISH_URL": f"http://127.0.0.1:{edge}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{_free_port()}/0"}  # fmt: skip
    _manage(down, "shell", "-v0", "-c", WITHDRAW)  # the delivery cannot be queued
    assert _statuses(origin) == {410}  # Django's path: at once
    assert _get(edge)[0] == 200  # the edge still has it: nothing could tell it
    back = {**site, "VETTED_VARNISH_URL": f"http://127.0.0.1:{edge}"}
    # One sweep: the English article's withdrawal and its Spanish translation's (load_demo's,
    # withdrawn with it in the same commit).
    assert "Applied 2 deliveries." in _manage(back, "apply_publication_log")
    assert _get(edge)[0] == 410
