"""The site's own address: the one source of every absolute link Vetted writes.

Article pages are rendered once and shared (the page store, the baked site, edge caches), and
links in feeds, the sitemap, the API, e-mails and "How to cite" leave the site, so an absolute
link never comes from the Host header a request happened to carry: it comes from
VETTED_SITE_URL (config.settings.base.site_address), which production refuses to start without.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def site_url(path: str = "/") -> str:
    """The absolute address of `path`, a path as reverse() or get_absolute_url() gives it."""
    return settings.VETTED_SITE_URL.rstrip("/") + path


def on_site(url: str) -> str:
    """`url` (absolute, on whatever host, or a path) at the site's address: same path, query
    and fragment. For links a library builds from the request (DRF's pages)."""
    parts = urlsplit(url)
    return site_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))


def site_scheme() -> str:
    return urlsplit(settings.VETTED_SITE_URL).scheme


def site_domain() -> str:
    """The host, with its port if it has one: what django.contrib.sitemaps calls a domain."""
    return urlsplit(settings.VETTED_SITE_URL).netloc
