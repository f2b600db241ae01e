"""Refusing cross-site posts without a token in the page: what the browser itself says about
where a request comes from (the tokenless defence Go's net/http CrossOriginProtection uses).

Browsers send `Sec-Fetch-Site` on every request (all current ones) or at least `Origin` on every
cross-origin POST; a request with neither did not come from another site's page in a browser.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

SAME_SITE_FETCHES = {"same-origin", "none"}  # "none": typed or bookmarked by the person


def is_cross_site(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.lower() not in SAME_SITE_FETCHES and not _trusted(
            request.headers.get("Origin", "")
        )
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin == "null"  # "null": a sandboxed or privacy-stripped cross-site context
    if _trusted(origin):
        return False
    parts = urlsplit(origin)
    scheme = "https" if request.is_secure() else "http"
    return (parts.scheme, parts.netloc) != (scheme, request.get_host())


def _trusted(origin: str) -> bool:
    return bool(origin) and origin in settings.CSRF_TRUSTED_ORIGINS
