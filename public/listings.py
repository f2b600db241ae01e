"""The lists of what is public (the Atom feeds and the sitemaps), rendered once for each act of
the publication log rather than once a request.

A list is kept under the version the log moves with every act (publishing.selectors.
listings_version, one indexed read), so, like an article page, it is never asked whether it is
still current: after a publication or a withdrawal the next request reads a new version and
renders the list again, in whichever process, with whatever cache Django is given.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from publishing.selectors import listings_version

from .page_cache import PAGE_SECONDS, RELEASE

# The query parameters a list reads: Django's sitemaps page with ?p=; feeds read none. Any
# other parameter changes nothing, so it is no part of the key (nor a way to fill the cache).
READ_PARAMETERS = ("p",)
# What the views say about the list itself (the sitemaps' X-Robots-Tag and Last-Modified).
KEPT_HEADERS = {"content-type", "last-modified", "x-robots-tag"}


def kept_by_log(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view's answer, rendered once per version of the lists and address; a 200 only."""

    @wraps(view)
    def kept(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        read = "&".join(
            f"{name}={request.GET[name][:12]}" for name in READ_PARAMETERS if name in request.GET
        )
        key = (
            f"vetted:list1:{RELEASE}:{settings.VETTED_SITE_URL}:{listings_version()}:"
            f"{request.path}?{read}"
        )
        stored = cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render"):
                response.render()
            digest = hashlib.sha256(key.encode() + b"\0" + response.content).hexdigest()
            headers = {
                name: value for name, value in response.items() if name.lower() in KEPT_HEADERS
            }
            stored = (headers, response.content, f'"{digest[:32]}"')
            cache.set(key, stored, PAGE_SECONDS)
        headers, body, etag = stored
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        response["ETag"] = etag
        # Readers' feed readers and crawlers ask again each time (a 304 is cheap), so a
        # withdrawn article leaves the list on their next fetch.
        response["Cache-Control"] = "public, no-cache"
        return response

    return kept
