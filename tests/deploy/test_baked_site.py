"""The baked site through Debian's nginx with deploy/nginx.conf: pages per role from disk, a
withdrawal answered with 410 as soon as it commits, reading on with gunicorn down, and a friendly
503 for the question form meanwhile."""

import http.client
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id
from deploy.nginx import render
from review.services import make_move

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLUG = "nsclc-her2-exon-20-first-line"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists() and os.environ.get("CI") != "true",
    reason="needs Debian's nginx (apt-get install nginx; .ci/run installs it)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def baked(tmp_path, settings, demo_approved, django_capture_on_commit_callbacks):
    bake = tmp_path / "baked"
    settings.VETTED_BAKE_DIR = str(bake)
    call_command("bake", str(bake), stdout=open(os.devnull, "w"))  # noqa: SIM115
    return bake


@pytest.fixture
def nginx(tmp_path, baked):
    """nginx on a free port, in front of a gunicorn that is down (nothing on its port)."""
    port, run = _free_port(), tmp_path / "run"
    run.mkdir()
    tmp_path.chmod(0o755)  # nginx's workers read the baked files
    conf = render(
        listen=f"127.0.0.1:{port}", upstream=f"127.0.0.1:{_free_port()}", bake_dir=baked,
        static_root=tmp_path / "static", run_dir=run,
    )  # fmt: skip
    (run / "nginx.conf").write_text(conf)
    start = [NGINX, "-c", str(run / "nginx.conf"), "-e", str(run / "error.log")]
    subprocess.run([*start, "-t", "-q"], check=True)
    subprocess.run(start, check=True)
    try:
        yield port
    finally:
        subprocess.run([*start, "-s", "stop"], check=False)


def _get(port: int, path: str, **headers) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read().decode(), dict(response.getheaders())


def test_readers_read_every_role_from_disk_with_gunicorn_down(nginx):
    status, html, headers = _get(nginx, f"/articles/{SLUG}/")
    assert status == 200 and "HER2 exon 20" in html
    assert headers["Cache-Control"] == "public, no-cache" and "ETag" in headers
    status, patient, _ = _get(nginx, f"/articles/{SLUG}/for/patient/")
    assert status == 200 and "version written for: <strong>Patient" in patient
    status, by_cookie, _ = _get(nginx, f"/articles/{SLUG}/", Cookie="vetted_role=patient")
    assert by_cookie == patient


def test_a_withdrawal_reaches_nginx_readers_when_it_commits(
    nginx, django_capture_on_commit_callbacks
):
    article = Article.objects.get(slug=SLUG)
    reviewer = User.objects.get(username="reviewer")
    with django_capture_on_commit_callbacks(execute=True):  # the commit: the re-bake runs
        make_move("withdraw", article=article, by=reviewer, comment="A dosing error",
                  seen_revision_id=latest_revision_id(article))  # fmt: skip
    for path in (f"/articles/{SLUG}/", f"/articles/{SLUG}/for/patient/"):
        status, html, _ = _get(nginx, path, Cookie="vetted_role=patient")
        assert status == 410 and "A dosing error" in html
        assert "Platinum" not in html


def test_the_question_form_answers_a_friendly_503_while_gunicorn_is_down(nginx):
    connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=5)
    connection.request("POST", f"/articles/{SLUG}/questions/", body="question=Hello",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    response = connection.getresponse()
    html = response.read().decode()
    assert response.status == 503
    assert "We cannot take your question right now" in html
