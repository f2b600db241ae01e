"""Strong ETags and 304 Not Modified for every successful API read."""

import hashlib
import json

from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder


def etag_of(data) -> str:
    """A strong ETag: the SHA-256 of the representation.

    Taken from the answer itself rather than from, say, the edition id and the newest
    `published_at`: a withdrawal changes no `published_at`, and topics are edited on the article
    without a new edition, so such keys would let a client keep a withdrawn article. Building the
    answer is cheap (editions store their rendered pages), so little is lost.
    """
    payload = json.dumps(data, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return quote_etag(hashlib.sha256(payload.encode()).hexdigest())


# For DRF views: an ETag on every 200, 304 when If-None-Match names it, and no reuse without
# asking, so a withdrawal reaches API clients on their next request. (A comment, not a docstring:
# drf-spectacular would publish it as the description of every operation.)
class ConditionalGetMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or not isinstance(response, Response):
            return response
        patch_cache_control(response, no_cache=True)
        if response.status_code != 200:
            return response
        etag = etag_of(response.data)
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, response=response) or response
