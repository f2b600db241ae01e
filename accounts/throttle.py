"""Sign-in throttling (django-axes): an account is locked at one address, and everywhere only once
wrong passwords for it come from many addresses.

Locking a whole address would lock out a hospital's board behind one network address because one
member mistyped; locking an account everywhere after a few wrong passwords would let anyone lock
out a reviewer from anywhere. So AXES_LOCKOUT_PARAMETERS counts the account-and-address pair, and
this handler adds the rule Axes has no setting for: wrong passwords for one account from
VETTED_SIGN_IN_ADDRESS_LIMIT different addresses within the cool-off lock the account everywhere
(a guess spread over many machines).
"""

from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


@dataclass(frozen=True)
class SignInStanding:
    """Wrong passwords for one account within the cool-off, as seen from one address."""

    failures_here: int  # from this address
    addresses: int  # different addresses they came from, this one included
    failure_limit: int  # wrong passwords from one address that lock the account there

    @property
    def locked_everywhere(self) -> bool:
        return self.addresses >= settings.VETTED_SIGN_IN_ADDRESS_LIMIT

    @property
    def locked_here(self) -> bool:
        return self.failures_here >= self.failure_limit

    @property
    def attempts_left_here(self) -> int:
        return max(0, self.failure_limit - self.failures_here)


def sign_in_standing(request: HttpRequest, credentials: dict | None = None) -> SignInStanding:
    """Where the account named in `credentials` stands for sign-ins from the request's address.

    Needs the attributes Axes sets on a sign-in request (its address and time).
    """
    username = get_client_username(request, credentials)
    limit = get_failure_limit(request, credentials)
    if username is None:
        return SignInStanding(failures_here=0, addresses=0, failure_limit=limit)
    recent = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )
    here = recent.filter(ip_address=request.axes_ip_address)
    return SignInStanding(
        failures_here=here.aggregate(n=Sum("failures_since_start"))["n"] or 0,
        addresses=recent.values("ip_address").distinct().count(),
        failure_limit=limit,
    )


class AccountAtAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, with the account locked everywhere after many addresses."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures Axes compares with its limit: the pair's, or the limit itself once the
        account was tried from too many addresses (Axes locks at this count, before and after a
        password is checked)."""
        failures = super().get_failures(request, credentials)
        standing = sign_in_standing(request, credentials)
        if standing.locked_everywhere:
            return max(failures, standing.failure_limit)
        return failures
