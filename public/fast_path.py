"""The one fast path: an anonymous reader's article page answered from the page store, before
the session, authentication, CSRF and message middleware run (nothing on the page depends on
them), and after Django's own host checks, HTTPS redirect and security headers.

A request takes it when it is a GET or HEAD of an article page, its per-role address or its
`?role=` link, in English or under `/es/`, carries no session or message cookie (nor, at an
English address, a reader's choice of Spanish: public.language sends them on), and the page
its article's public pointer names (one indexed query: publishing.selectors) is in the store.
Anything else goes on to the view, which renders and keeps the page for the next reader.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from personalization.selectors import ROLE_COOKIE
from personalization.services import remember_role_cookie
from publishing.selectors import PublicPointer, public_pointer
from publishing.translations import translation_pointer

from . import page_cache
from .language import ENGLISH, LANGUAGE_COOKIE

ARTICLE_PATH = re.compile(
    r"^(?:/(?P<language>es))?/articles/(?P<slug>[-\w]+)/(?:for/(?P<role>[-\w]+)/)?$", re.ASCII
)
ROLE_SLUG = re.compile(r"^[-a-z0-9_]{0,50}$")
ROLE_QUERY = re.compile(r"role=([-a-z0-9_]{0,50})", re.ASCII)


def page_response(request: HttpRequest, page: page_cache.Page, *, vary_on_cookie: bool):
    """The stored page, or 304 when the reader's copy is this one."""
    if page.etag in _etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, status=page.status)
    # Set outright: the response is new, and this is the path every reader's request takes.
    response["ETag"] = page.etag
    # Browsers and caches we do not run must ask again before reusing it (a 304 is cheap), so a
    # withdrawal reaches readers on their next request. Our own edge (Varnish, the CDN) keeps it
    # a day under its surrogate keys, and the publication log purges it.
    response["Cache-Control"] = "public, no-cache"
    response["Surrogate-Control"] = response["CDN-Cache-Control"] = EDGE_LIFETIME
    response["Surrogate-Key"] = page.surrogate_keys  # Varnish (xkey) and Fastly
    response["Cache-Tag"] = page.surrogate_keys.replace(" ", ",")  # Cloudflare
    if vary_on_cookie:  # the role may come from the reader's cookie
        response["Vary"] = "Cookie"
    return response


EDGE_LIFETIME = f"max-age={page_cache.EDGE_SECONDS}"


def _etags(header: str) -> set[str]:
    return {tag.strip() for tag in header.split(",") if tag.strip()}


def _asked_role(request: HttpRequest) -> str | None:
    """The `?role=` of the address. A link the site writes (`?role=patient`, or none) is read
    as it is, without parsing the query; anything else as Django parses it."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return None
    simple = ROLE_QUERY.fullmatch(query)
    if simple is not None:
        return simple[1]
    return request.GET.get("role")


def readable_pointer(slug: str) -> PublicPointer | None:
    """The article's public pointer when readers may open it or are told it was withdrawn (an
    English article: a translation's address is its language's, publishing.translations)."""
    pointer = public_pointer(slug)
    if pointer is None or not (pointer.is_public or pointer.is_withdrawn):
        return None
    if pointer.language != "en":
        return None
    return pointer


def reader_pointer(slug: str, language: str) -> PublicPointer | None:
    """What a reader of `language` opening the article at `slug` is shown: its translation in
    their language when one is public (or withdrawn: they are told so), else the original
    (shown in their interface, marked as English)."""
    if language != ENGLISH:
        translated = translation_pointer(slug, language)
        if translated is not None:
            return translated
    return readable_pointer(slug)


class StoredArticlePageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._stored(request) or self.get_response(request)

    def _stored(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD"):
            return None
        match = ARTICLE_PATH.match(request.path_info)
        if match is None or not page_cache.shares_pages(request.COOKIES):
            return None
        language = match["language"] or ENGLISH
        if language == ENGLISH and LANGUAGE_COOKIE in request.COOKIES:
            return None  # a reader who chose another language: redirected, or not, by the view
        asked = _asked_role(request)
        if match["role"] is not None:
            role_slug = match["role"]
        else:
            role_slug = asked if asked is not None else request.COOKIES.get(ROLE_COOKIE, "")
        if not ROLE_SLUG.match(role_slug):
            return None  # not a role anyone could have chosen: the view ignores it
        pointer = reader_pointer(match["slug"], language)
        if pointer is None:
            return None  # the view answers 404
        request.public_pointer = pointer  # read once: the view uses it on a miss
        page = page_cache.cached_page(pointer, role_slug, language)
        if page is None:
            return None
        response = page_response(request, page, vary_on_cookie=match["role"] is None)
        if asked and match["role"] is None and page.status == 200:
            # A page is stored only under a real role's slug, so this choice is one to keep.
            remember_role_cookie(request, response, role_slug)
        return response
