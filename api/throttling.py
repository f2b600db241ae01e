"""The API's rate limit: requests per client address, counted in the shared cache."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from questions.client_address import forwarded_client_ip


class PerAddressThrottle(SimpleRateThrottle):
    """REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"] per client address.

    The address is the one the question form counts by (VETTED_TRUSTED_PROXY_COUNT), so a forged
    X-Forwarded-For buys nothing. The rate is read per request, not frozen at import as DRF's own
    classes do, so a test or a settings change can set it.
    """

    scope = "api"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": forwarded_client_ip(request)}
