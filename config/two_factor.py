"""The review area and the admin ask Reviewers and Admins for a second factor.

This lives in config, not accounts: the group names belong to review.workflow, and accounts sits
below review. It only guards; the steps themselves are accounts' views.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.selectors import has_authenticator
from accounts.views import second_factor_url
from review.workflow import ADMINS, REVIEWERS

PROTECTED_PREFIXES = ("/review/", "/admin/")
SECOND_FACTOR_GROUPS = (REVIEWERS, ADMINS)


def needs_second_factor(user) -> bool:
    """Board members and admins, and anyone else who can reach the admin."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=SECOND_FACTOR_GROUPS).exists()


class RequireSecondFactorMiddleware:
    """With VETTED_REQUIRE_2FA on, /review/ and /admin/ answer only to a verified session.

    Goes after django_otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.VETTED_REQUIRE_2FA
            and request.path_info.startswith(PROTECTED_PREFIXES)
            and needs_second_factor(request.user)
            and not request.user.is_verified()
        ):
            step = (
                "accounts:two_factor_verify"
                if has_authenticator(request.user)
                else "accounts:two_factor_setup"
            )
            return redirect(second_factor_url(step, request.get_full_path()))
        return self.get_response(request)
