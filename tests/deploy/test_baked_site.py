"""The baked site through Debian's nginx with deploy/nginx.conf: pages per role from disk (also
for a shared ?role= link, with the cookie that remembers it), a withdrawal answered with 410 as
soon as it commits, reading on with gunicorn down, and a friendly 503 for the question form and
signed-in readers meanwhile."""

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
from personalization.selectors import ROLE_COOKIE, ROLE_COOKIE_MAX_AGE
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


def test_a_shared_role_link_reads_that_roles_page_from_disk_and_remembers_the_choice(nginx):
    _, patient, at_its_address = _get(nginx, f"/articles/{SLUG}/for/patient/")
    status, html, headers = _get(nginx, f"/articles/{SLUG}/?role=patient&utm_source=mail")
    assert status == 200 and html == patient
    # As personalization.services.remember_role sets it (over http: not Secure).
    assert headers["Set-Cookie"] == (
        f"{ROLE_COOKIE}=patient; Max-Age={ROLE_COOKIE_MAX_AGE}; Path=/; SameSite=Lax; HttpOnly"
    )
    assert headers["Cache-Control"] == "private, no-cache"  # it sets a cookie: no shared cache
    for name in ("X-Frame-Options", "Content-Security-Policy", "Referrer-Policy", "ETag"):
        assert headers[name] == at_its_address[name]
    cookie = headers["Set-Cookie"].split(";")[0]
    status, html, headers = _get(nginx, f"/articles/{SLUG}/", Cookie=cookie)
    assert status == 200 and html == patient and "Set-Cookie" not in headers


def test_an_unknown_role_in_the_link_reads_as_the_bare_address_and_sets_no_cookie(nginx):
    _, default, _ = _get(nginx, f"/articles/{SLUG}/")
    _, patient, _ = _get(nginx, f"/articles/{SLUG}/for/patient/")
    for role, cookie, page in [
        ("nonsense", "", default), ("Not%20a%20role", "", default),
        ("nonsense", "vetted_role=patient", patient),  # the cookie's role, as role_from_request
    ]:  # fmt: skip
        status, html, headers = _get(nginx, f"/articles/{SLUG}/?role={role}", Cookie=cookie)
        assert status == 200 and html == page
        assert "Set-Cookie" not in headers and headers["Cache-Control"] == "public, no-cache"


def test_signed_in_readers_go_to_gunicorn_and_get_the_friendly_503_while_it_is_down(nginx):
    for path in (f"/articles/{SLUG}/?role=patient", f"/articles/{SLUG}/for/patient/"):
        status, html, headers = _get(nginx, path, Cookie="sessionid=abc")
        assert status == 503 and "Back shortly" in html and "Set-Cookie" not in headers


def test_a_withdrawal_reaches_nginx_readers_when_it_commits(
    nginx, django_capture_on_commit_callbacks
):
    article = Article.objects.get(slug=SLUG)
    reviewer = User.objects.get(username="reviewer")
    with django_capture_on_commit_callbacks(execute=True):  # the commit: the re-bake runs
        make_move("withdraw", article=article, by=reviewer, comment="A dosing error",
                  seen_revision_id=latest_revision_id(article))  # fmt: skip
    for rest in ("", "for/patient/", "?role=patient"):
        status, html, headers = _get(
            nginx, f"/articles/{SLUG}/{rest}", Cookie="vetted_role=patient"
        )
        assert status == 410 and "A dosing error" in html
        assert "Platinum" not in html and "Set-Cookie" not in headers


def _ask(nginx, path: str, question: str) -> tuple[int, str]:
    """POST a reader's question through nginx: (status, page)."""
    connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=5)
    connection.request("POST", path, body=f"question={question}",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    response = connection.getresponse()
    return response.status, response.read().decode()


def test_the_question_form_answers_a_friendly_503_while_gunicorn_is_down(nginx):
    status, html = _ask(nginx, f"/articles/{SLUG}/questions/", "Hello")
    assert status == 503
    assert "We cannot take your question right now" in html


def test_spanish_readers_read_their_pages_from_disk_in_spanish(nginx):
    status, html, headers = _get(nginx, f"/es/articles/{SLUG}/")
    assert status == 200 and '<html lang="es">' in html and "HER2" in html
    assert headers["Cache-Control"] == "public, no-cache"
    status, patient, _ = _get(nginx, f"/es/articles/{SLUG}/for/patient/")
    assert status == 200 and '<html lang="es">' in patient and patient != html
    status, shared, headers = _get(nginx, f"/es/articles/{SLUG}/?role=patient")
    assert status == 200 and shared == patient and "vetted_role=patient" in headers["Set-Cookie"]


def test_a_reader_who_chose_spanish_is_sent_to_the_spanish_page_by_nginx(nginx):
    """As ReaderLanguageMiddleware answers: the reader's own redirect, the query kept."""
    for rest in ("", "for/patient/", "?role=patient"):
        status, _, headers = _get(nginx, f"/articles/{SLUG}/{rest}", Cookie="django_language=es")
        assert status == 302 and headers["Location"] == f"/es/articles/{SLUG}/{rest}"
        assert headers["Cache-Control"] == "private, no-cache" and headers["Vary"] == "Cookie"
    status, html, _ = _get(nginx, f"/articles/{SLUG}/", Cookie="django_language=en")
    assert status == 200 and '<html lang="en">' in html


def test_a_withdrawal_reaches_spanish_readers_in_spanish_when_it_commits(
    nginx, django_capture_on_commit_callbacks
):
    article = Article.objects.get(slug=SLUG)
    reviewer = User.objects.get(username="reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        make_move("withdraw", article=article, by=reviewer, comment="A dosing error",
                  seen_revision_id=latest_revision_id(article))  # fmt: skip
    for rest in ("", "for/patient/", "?role=patient"):
        status, html, _ = _get(nginx, f"/es/articles/{SLUG}/{rest}")
        assert status == 410 and '<html lang="es">' in html and "A dosing error" in html


def test_the_spanish_question_form_answers_the_503_in_spanish_while_gunicorn_is_down(nginx):
    status, html = _ask(nginx, f"/es/articles/{SLUG}/questions/", "Hola")
    assert status == 503 and '<html lang="es">' in html
