"""config.wsgi's ArticlePagesFirst: cached article pages before Django builds a request, with
the headers Django itself sends, and nothing stale after a change commits."""

import io
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler

from articles.selectors import latest_revision_id
from public.fast_path import ArticlePagesFirst
from review.services import make_move


def _call(app, path, **extra):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, **extra,
    }  # fmt: skip
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


class Counting:
    """Django's handler, counted: a fast-path answer never reaches it."""

    def __init__(self) -> None:
        self.django, self.calls = WSGIHandler(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


@pytest.fixture
def approved(make_article, author, reviewer, professional_disclaimer, keep_the_test_connection):
    article = make_article()
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(name, article=article, by=by, seen_revision_id=latest_revision_id(article))
    return article


def test_a_cached_page_is_answered_before_django_with_djangos_headers(approved):
    django = Counting()
    app = ArticlePagesFirst(django)
    url = approved.get_absolute_url()
    status, first_headers, first = _call(app, url)  # Django renders it, the wrapper learns
    assert status.startswith("200") and django.calls == 1
    status, headers, body = _call(app, url)
    assert status == "200 OK" and django.calls == 1 and body == first
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Type"):
        assert headers[name] == first_headers[name]
    assert headers["ETag"] == first_headers["ETag"] and headers["Vary"] == "Cookie"
    status, _, body = _call(app, url, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304") and body == b"" and django.calls == 1
    status, _, body = _call(app, url, REQUEST_METHOD="HEAD")
    assert status == "200 OK" and body == b""


def test_a_withdrawal_is_answered_at_once(approved, reviewer, django_capture_on_commit_callbacks):
    app = ArticlePagesFirst(Counting())
    url = approved.get_absolute_url()
    _call(app, url), _call(app, url)
    with django_capture_on_commit_callbacks(execute=True):
        make_move("withdraw", article=approved, by=reviewer, comment="Unsafe dose",
                  seen_revision_id=latest_revision_id(approved))  # fmt: skip
    status, _, body = _call(app, url)
    assert status.startswith("410") and b"Platinum doublet first." not in body


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"QUERY_STRING": "role=patient"},
        {"REQUEST_METHOD": "POST"},
        {"HTTP_HOST": "evil.example"},
    ],
)
def test_anything_else_goes_to_django(approved, extra):
    django = Counting()
    app = ArticlePagesFirst(django)
    url = approved.get_absolute_url()
    _call(app, url), _call(app, url)
    calls = django.calls
    _call(app, url, **extra)
    assert django.calls == calls + 1
