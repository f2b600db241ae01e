"""Anonymous readers' article pages straight from the shared cache, before the session,
authentication, CSRF and message middleware run: nothing on the page depends on them.

A request takes this path only when it is a GET or HEAD of an article page (or its per-role
address), carries no session or message cookie, and its page is cached under the current tokens
(one round trip to the cache). Anything else goes through the whole stack to the view, which
renders and keeps the page for the next reader.
"""

import re
from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.http.request import validate_host
from django.utils.cache import patch_cache_control, patch_vary_headers

from personalization.selectors import ROLE_COOKIE, ROLE_COOKIE_MAX_AGE

from . import page_cache

ARTICLE_PATH = re.compile(r"^/articles/(?P<slug>[-\w]+)/(?:for/(?P<role>[-\w]+)/)?$", re.ASCII)
ROLE_SLUG = re.compile(r"^[-a-z0-9_]{0,50}$")


def page_response(request: HttpRequest, page: page_cache.Page, *, vary_on_cookie: bool):
    """The cached page, or 304 when the reader's copy is this one."""
    if page.etag in _etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, status=page.status)
    response["ETag"] = page.etag
    # Any cache may keep it, but must ask again before reusing it (a 304 is cheap): a withdrawal
    # reaches readers on their next request, wherever the page was kept.
    patch_cache_control(response, public=True, no_cache=True)
    if vary_on_cookie:  # the role may come from the reader's cookie
        patch_vary_headers(response, ["Cookie"])
    return response


def _cached_for(cookies: Mapping[str, str], slug: str, role_slug: str | None):
    """The cached page for a reader who shares pages, of the role named (else the one in their
    cookie); None when there is none to give them, and the view decides."""
    if not page_cache.shares_pages(cookies):
        return None
    if role_slug is None:
        role_slug = cookies.get(ROLE_COOKIE, "")
    if not ROLE_SLUG.match(role_slug):
        return None  # not a role anyone could have chosen: the view ignores it
    return page_cache.cached_page(slug, role_slug)


def _etags(header: str) -> set[str]:
    return {tag.strip() for tag in header.split(",") if tag.strip()}


class ArticleFastPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._from_cache(request) or self.get_response(request)

    def _from_cache(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD"):
            return None
        match = ARTICLE_PATH.match(request.path_info)
        if match is None:
            return None
        asked = request.GET.get("role")
        role_slug = match["role"] if match["role"] is not None else asked
        page = _cached_for(request.COOKIES, match["slug"], role_slug)
        if page is None:
            return None  # not cached, or an unknown role: the view decides
        response = page_response(request, page, vary_on_cookie=match["role"] is None)
        if asked and match["role"] is None and page.status == 200:
            # A page is cached only under a real role's slug, so this choice is one to keep.
            response.set_cookie(
                ROLE_COOKIE, role_slug, max_age=ROLE_COOKIE_MAX_AGE, samesite="Lax",
                httponly=True, secure=request.is_secure(),
            )  # fmt: skip
        return response


class ArticlePagesFirst:
    """WSGI: an anonymous reader's cached article page, answered before Django builds a request.

    The same rules as ArticleFastPathMiddleware (which still serves the cases left to Django,
    such as a first choice of role with ?role=), for the common request: a GET or HEAD of an
    article page or per-role address with no query string and no session or message cookie. The
    response headers are the ones Django itself sent for such a page, learnt from its first one
    in this process (security headers, content type); until then, and for anything else, Django
    answers.
    """

    LEARNT_WITHOUT = {"set-cookie", "content-length", "etag", "vary", "cache-control", "date"}

    def __init__(self, application) -> None:
        self.application = application
        self.headers: list[tuple[str, str]] | None = None

    def __call__(self, environ, start_response):
        match = self._eligible(environ)
        if match is None:
            return self.application(environ, start_response)
        if self.headers is not None:
            served = self._from_cache(environ, start_response, match)
            if served is not None:
                return served

        def learning(status: str, headers: list, exc_info=None):
            if status.startswith("200 ") and self.headers is None:
                self.headers = [(k, v) for k, v in headers if k.lower() not in self.LEARNT_WITHOUT]
            return start_response(status, headers, exc_info)

        return self.application(environ, learning)

    @staticmethod
    def _eligible(environ) -> re.Match | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        if settings.SECURE_SSL_REDIRECT and not _is_secure(environ):
            return None  # Django redirects it
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
        if not validate_host(host.lower(), settings.ALLOWED_HOSTS):
            return None  # Django refuses it
        return ARTICLE_PATH.match(environ.get("PATH_INFO", ""))

    def _from_cache(self, environ, start_response, match: re.Match):
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        page = _cached_for(cookies, match["slug"], match["role"])
        if page is None:
            return None
        headers = [
            *self.headers, ("ETag", page.etag), ("Cache-Control", "public, no-cache"),
        ]  # fmt: skip
        if match["role"] is None:
            headers.append(("Vary", "Cookie"))
        if page.etag in _etags(environ.get("HTTP_IF_NONE_MATCH", "")):
            start_response("304 Not Modified", headers)
            return [b""]
        status = "200 OK" if page.status == 200 else f"{page.status} {_REASONS[page.status]}"
        start_response(status, [*headers, ("Content-Length", str(len(page.body)))])
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else page.body]


_REASONS = {410: "Gone", 404: "Not Found"}


def _is_secure(environ) -> bool:
    if environ.get("wsgi.url_scheme") == "https":
        return True
    header = settings.SECURE_PROXY_SSL_HEADER
    return bool(header) and environ.get(header[0]) == header[1]
