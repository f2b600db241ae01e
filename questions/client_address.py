"""The client address the rate limit counts by, for a site behind reverse proxies.

By default django-ratelimit reads REMOTE_ADDR, which is right when gunicorn faces the internet.
Behind N proxies that each append to X-Forwarded-For, set

    RATELIMIT_IP_META_KEY = "questions.client_address.forwarded_client_ip"
    VETTED_TRUSTED_PROXY_COUNT = N

Only the entries our own proxies appended are trusted: a client can put anything to their left.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def forwarded_client_ip(request: HttpRequest) -> str:
    """The address the outermost trusted proxy saw, or REMOTE_ADDR if none is trustworthy."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.VETTED_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < trusted:
        return remote
    candidate = hops[-trusted]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate
