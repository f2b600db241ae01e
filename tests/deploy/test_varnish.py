"""deploy/varnish.vcl in Debian's varnishd, in front of a stand-in for gunicorn that answers
article pages with the headers Django sends for them: anonymous readers share one copy per role
whatever other cookies they carry, everyone else passes, readers never see the surrogate headers,
and a purge by surrogate key (publishing.edge.VarnishPurger) serves a withdrawal at once."""

import http.client
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.http.cookie import parse_cookie

from deploy.varnish import render
from publishing.edge import VarnishPurger

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
XKEY = next(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so"), None)
SURROGATE_HEADERS = {"surrogate-key", "surrogate-control", "cdn-cache-control", "xkey", "cache-tag"}

pytestmark = pytest.mark.skipif(
    (not Path(VARNISHD).exists() or XKEY is None) and os.environ.get("CI") != "true",
    reason="needs Debian's varnish and varnish-modules (make varnish; .ci/run installs them)",
)


@dataclass
class Article:
    id: int
    slug: str
    withdrawn: bool = False
    private: bool = False  # answered Cache-Control: private, as a signed-in reader's page is
    sets_cookie: bool = False


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    cookie: str


@dataclass
class Origin:
    """Stands in for gunicorn: article pages with Django's headers, recording what it serves."""

    port: int = 0
    articles: dict[str, Article] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, **flags) -> Article:
        number = next(self.ids)
        article = Article(id=number, slug=f"article-{number}", **flags)
        self.articles[article.slug] = article
        return article

    def requests_for(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    def __call__(self, environ, start_response):
        path, cookie = environ["PATH_INFO"], environ.get("HTTP_COOKIE", "")
        self.seen.append(Seen(environ["REQUEST_METHOD"], path, cookie))
        match = re.fullmatch(r"(/es)?/articles/([-\w]+)/(?:for/([-\w]+)/)?", path)
        article = self.articles.get(match[2]) if match else None
        if article is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not here"]
        if match[1] is None and parse_cookie(cookie).get("django_language") == "es":
            start_response("302 Found", [("Location", f"/es{path}"), ("Vary", "Cookie"),
                                         ("Cache-Control", "private, no-cache")])  # fmt: skip
            return [b""]
        chosen = parse_qs(environ.get("QUERY_STRING", "")).get("role", [None])[0]
        role = match[3] or chosen or parse_cookie(cookie).get("vetted_role") or "default"
        if match[1]:
            role = f"{role} in Spanish"
        status, body, headers = self._page(article, role)
        if match[3] is None:
            headers.append(("Vary", "Cookie"))
        if chosen or article.sets_cookie:
            headers.append(("Set-Cookie", f"vetted_role={role}; Path=/; HttpOnly"))
        start_response(status, headers)
        return [body]

    @staticmethod
    def _page(article: Article, role: str) -> tuple[str, bytes, list[tuple[str, str]]]:
        if article.withdrawn:
            status, body = "410 Gone", f"{article.slug} was withdrawn"
            keys = f"article-{article.id} gone pages"
        else:
            status, body = "200 OK", f"{article.slug} for {role}"
            keys = f"article-{article.id} edition-{article.id}0 role-{role} audience-lay pages"
        return status, body.encode(), [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("ETag", f'"{abs(hash(body))}"'),
            ("Cache-Control", "private, no-cache" if article.private else "public, no-cache"),
            ("Surrogate-Control", "max-age=86400"),
            ("CDN-Cache-Control", "max-age=86400"),
            ("Surrogate-Key", keys),
        ]  # fmt: skip


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def origin() -> Iterator[Origin]:
    app = Origin()
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    app.port = server.server_port
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def varnish(tmp_path_factory, origin) -> Iterator[int]:
    """varnishd on a free port in front of the origin, with the VCL as the README installs it;
    its own working directory, no admin port, no jail (it runs as whoever runs the tests)."""
    work, port = tmp_path_factory.mktemp("varnish"), _free_port()
    vcl, pid_file = work / "vetted.vcl", work / "varnishd.pid"
    vcl.write_text(render(backend_host="127.0.0.1", backend_port=origin.port))
    started = subprocess.run(
        [VARNISHD, "-a", f"127.0.0.1:{port}", "-T", "none", "-n", str(work / "state"),
         "-f", str(vcl), "-s", "malloc,32m", "-j", "none", "-P", str(pid_file)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr + started.stdout
    try:
        _wait_for(port)
        yield port
    finally:
        _stop(int(pid_file.read_text()))


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _stop(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


@pytest.fixture
def article(origin) -> Article:
    """An article of its own for each test, so no test reads another's cached pages."""
    return origin.add()


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    headers: dict[str, str]  # names in lower case

    @property
    def cache(self) -> str:
        return self.headers["x-cache"]


def _request(port: int, path: str, method: str = "GET", source: str = "127.0.0.1", **headers):
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=5, source_address=(source, 0)
    )
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        return Answer(response.status, body, {k.lower(): v for k, v in response.getheaders()})
    finally:
        connection.close()


def test_a_second_read_is_a_hit_and_gunicorn_served_one(varnish, origin, article):
    path = f"/articles/{article.slug}/"
    first, second = _request(varnish, path), _request(varnish, path)
    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache, second.body) == (200, "HIT", first.body)
    assert "age" in second.headers
    assert len(origin.requests_for(path)) == 1


def test_each_role_has_its_own_copy(varnish, origin, article):
    path = f"/articles/{article.slug}/"
    patient = [_request(varnish, path, Cookie="vetted_role=patient") for _ in range(2)]
    default = [_request(varnish, path) for _ in range(2)]
    assert [(a.cache, a.body) for a in patient] == [
        ("MISS", f"{article.slug} for patient"), ("HIT", f"{article.slug} for patient"),
    ]  # fmt: skip
    assert [(a.cache, a.body) for a in default] == [
        ("MISS", f"{article.slug} for default"), ("HIT", f"{article.slug} for default"),
    ]  # fmt: skip


def test_the_role_address_ignores_the_role_cookie(varnish, origin, article):
    path = f"/articles/{article.slug}/for/patient/"
    first = _request(varnish, path, Cookie="vetted_role=clinician")
    second = _request(varnish, path, Cookie="vetted_role=carer; theme=dark")
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert second.body == f"{article.slug} for patient"
    assert origin.requests_for(path) == [Seen("GET", path, "")]


def test_other_cookies_share_the_copy_and_never_reach_gunicorn(varnish, origin, article):
    path = f"/articles/{article.slug}/"
    answers = [
        _request(varnish, path, Cookie="_ga=GA1.1; csrftoken=abc"),
        _request(varnish, path, Cookie="theme=dark"),
        _request(varnish, path, Cookie="vetted_role=NOT A ROLE; _ga=GA1.2"),  # Django ignores it
        _request(varnish, path, Cookie="_ga=GA1.3; vetted_role=patient"),
        _request(varnish, path, Cookie="vetted_role=patient; theme=light"),
    ]
    assert [a.cache for a in answers] == ["MISS", "HIT", "HIT", "MISS", "HIT"]
    assert [seen.cookie for seen in origin.requests_for(path)] == ["", "vetted_role=patient"]


def test_spanish_pages_have_their_own_copy_per_role(varnish, origin, article):
    path = f"/es/articles/{article.slug}/"
    answers = [
        _request(varnish, path, Cookie="vetted_role=patient; theme=dark"),
        _request(varnish, path, Cookie="vetted_role=patient"),
        _request(varnish, path),
        _request(varnish, f"{path}for/patient/", Cookie="vetted_role=carer"),
        _request(varnish, f"{path}for/patient/"),
    ]
    assert [a.cache for a in answers] == ["MISS", "HIT", "MISS", "MISS", "HIT"]
    assert answers[1].body == answers[3].body == f"{article.slug} for patient in Spanish"
    assert answers[2].body == f"{article.slug} for default in Spanish"
    assert [seen.cookie for seen in origin.requests_for(path)] == ["vetted_role=patient", ""]


def test_a_reader_who_chose_spanish_reaches_django_on_an_english_address(varnish, origin, article):
    """Django sends them to the /es/ page; the English copy must not answer them."""
    path = f"/articles/{article.slug}/"
    assert _request(varnish, path).cache == "MISS"  # the English copy is kept
    answers = [_request(varnish, path, Cookie="django_language=es; vetted_role=patient")
               for _ in range(2)]  # fmt: skip
    assert [(a.status, a.cache, a.headers["location"]) for a in answers] == [
        (302, "MISS", f"/es{path}"), (302, "MISS", f"/es{path}"),
    ]  # fmt: skip
    assert _request(varnish, path, Cookie="django_language=en").cache == "HIT"


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/articles/{slug}/", {"Cookie": "vetted_role=patient; sessionid=s1"}),
        ("GET", "/articles/{slug}/", {"Cookie": "messages=m1"}),
        ("GET", "/articles/{slug}/?role=patient", {}),
        ("POST", "/articles/{slug}/", {"Content-Length": "0"}),
        ("GET", "/review/", {}),
        ("GET", "/admin/", {}),
        ("GET", "/accounts/login/", {}),
    ],
    ids=["signed-in", "flash-message", "choosing-a-role", "post", "review", "admin", "sign-in"],
)
def test_what_is_not_a_shared_page_passes(varnish, origin, article, method, path, headers):
    path = path.format(slug=article.slug)
    answers = [_request(varnish, path, method, **headers) for _ in range(2)]
    assert [a.cache for a in answers] == ["MISS", "MISS"]
    seen = origin.requests_for(path.partition("?")[0])
    assert len(seen) == 2
    assert all(s.cookie == headers.get("Cookie", "") for s in seen)  # every cookie passed on


def test_choosing_a_role_sets_the_cookie_every_time(varnish, article):
    path = f"/articles/{article.slug}/?role=patient"
    for answer in [_request(varnish, path) for _ in range(2)]:
        assert answer.headers["set-cookie"].startswith("vetted_role=patient")
        assert answer.body == f"{article.slug} for patient"


@pytest.mark.parametrize("flag", ["private", "sets_cookie"])
def test_an_answer_that_is_private_or_sets_a_cookie_is_never_kept(varnish, origin, flag):
    path = f"/articles/{origin.add(**{flag: True}).slug}/"
    answers = [_request(varnish, path) for _ in range(2)]
    assert [a.cache for a in answers] == ["MISS", "MISS"]
    assert len(origin.requests_for(path)) == 2


def test_readers_never_see_the_surrogate_headers(varnish, article):
    canonical, for_role = f"/articles/{article.slug}/", f"/articles/{article.slug}/for/patient/"
    answers = [
        *(_request(varnish, canonical) for _ in range(2)),
        *(_request(varnish, for_role) for _ in range(2)),
        _request(varnish, canonical, Cookie="sessionid=s1"),
    ]
    assert [a.cache for a in answers] == ["MISS", "HIT", "MISS", "HIT", "MISS"]
    for answer in answers:
        assert not SURROGATE_HEADERS & answer.headers.keys()
        assert answer.headers["cache-control"] == "public, no-cache"
        assert "etag" in answer.headers


def test_a_reader_revalidating_gets_a_304_from_the_edge(varnish, origin, article):
    path = f"/articles/{article.slug}/"
    etag = _request(varnish, path).headers["etag"]
    again = _request(varnish, path, **{"If-None-Match": etag})
    assert (again.status, again.cache, again.body) == (304, "HIT", "")
    assert len(origin.requests_for(path)) == 1


def test_a_purge_by_article_key_serves_the_withdrawal_at_once(varnish, origin, article):
    paths = [f"/articles/{article.slug}/", f"/articles/{article.slug}/for/patient/"]
    other = f"/articles/{origin.add().slug}/"
    for path in [*paths, other]:
        _request(varnish, path)
        _request(varnish, path, Cookie="vetted_role=patient")
    article.withdrawn = True
    assert _request(varnish, paths[0]).cache == "HIT"  # kept a day, until purged

    VarnishPurger(name="varnish", location=f"http://127.0.0.1:{varnish}").purge(
        keys=[f"article-{article.id}"], paths=[]
    )

    copies = [(paths[0], {}), (paths[0], {"Cookie": "vetted_role=patient"}), (paths[1], {})]
    for path, headers in copies:
        first, second = _request(varnish, path, **headers), _request(varnish, path, **headers)
        assert (first.status, first.cache) == (410, "MISS")
        assert first.body == f"{article.slug} was withdrawn"
        assert (second.status, second.cache) == (410, "HIT")  # the 410 is kept, by its keys
    assert _request(varnish, other).cache == "HIT"  # other articles stay cached


def test_a_withdrawn_page_goes_when_the_article_is_published_again(varnish, article):
    path = f"/articles/{article.slug}/"
    article.withdrawn = True
    assert [_request(varnish, path).status for _ in range(2)] == [410, 410]
    article.withdrawn = False
    VarnishPurger(name="varnish", location=f"http://127.0.0.1:{varnish}").purge(
        keys=[f"article-{article.id}"], paths=[]
    )
    assert (_request(varnish, path).status, _request(varnish, path).cache) == (200, "HIT")


def test_a_purge_answers_how_many_pages_it_dropped(varnish, article):
    for path in (f"/articles/{article.slug}/", f"/articles/{article.slug}/for/patient/"):
        _request(varnish, path)
    answer = _request(varnish, "/", "PURGE", **{"xkey-purge": f"article-{article.id} nothing"})
    assert (answer.status, answer.body) == (200, "Purged 2\n")


def test_a_purge_without_keys_is_refused(varnish, article):
    path = f"/articles/{article.slug}/"
    _request(varnish, path)
    assert _request(varnish, path, "PURGE").status == 400
    assert _request(varnish, path).cache == "HIT"


def test_a_purge_from_outside_the_acl_is_forbidden(varnish, article):
    path = f"/articles/{article.slug}/"
    _request(varnish, path)
    headers = {"xkey-purge": f"article-{article.id}"}
    refused = _request(varnish, "/", "PURGE", source="127.0.0.2", **headers)  # not localhost's
    assert refused.status == 403
    assert _request(varnish, path).cache == "HIT"
