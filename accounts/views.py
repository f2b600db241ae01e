"""Sign-in hardening: the lockout page, the second-factor steps after the password, recovery
codes, and the last step of a password reset."""

from base64 import b32encode
from datetime import timedelta
from math import ceil
from urllib.parse import urlencode

import django_otp
import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache

from . import services
from .forms import SecondFactorForm
from .selectors import has_authenticator
from .throttle import sign_in_standing

RECOVERY_CODES_SESSION_KEY = "accounts_recovery_codes"


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in while the account is locked: 429, where, and until when."""
    cool_off = get_cool_off(request) or timedelta(0)
    retry_at = timezone.localtime(timezone.now() + cool_off)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    context = {
        "retry_at": retry_at,
        "minutes": minutes,
        "everywhere": sign_in_standing(request, credentials).locked_everywhere,
    }
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def second_factor_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not has_authenticator(request.user):
        return redirect(second_factor_url("accounts:two_factor_setup", next_url))
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        try:
            device = services.verify_second_factor(
                user=request.user, code=form.cleaned_data["code"]
            )
        except services.SecondFactorPaused as paused:
            form.add_error("code", _paused_message(paused))
        else:
            if device is not None:
                django_otp.login(request, device)
                return redirect(next_url)
            form.add_error(
                "code", gettext("That code is not right, or it was used already. Try again.")
            )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if has_authenticator(request.user):
        # A second authenticator needs the first: someone with only the password must not
        # be able to enrol their own phone. Admins reset a lost one in the admin.
        if request.user.is_verified():
            return redirect(next_url)
        return redirect(second_factor_url("accounts:two_factor_verify", next_url))
    device = services.pending_authenticator(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        try:
            codes = services.confirm_authenticator(
                user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except services.SecondFactorPaused as paused:
            form.add_error("code", _paused_message(paused))
        else:
            if codes is not None:
                django_otp.login(request, device)
                return _show_recovery_codes(request, codes, next_url, replaced=False)
            form.add_error(
                "code", gettext("That code is not right. Check the time on your phone and retry.")
            )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, for someone who confirms a code they hold now (app or recovery code):
    the password alone must not be enough to read fresh ones."""
    next_url = _next_url(request)
    if not has_authenticator(request.user):
        return redirect(second_factor_url("accounts:two_factor_setup", next_url))
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        try:
            replaced = services.replace_recovery_codes(
                user=request.user, code=form.cleaned_data["code"]
            )
        except services.SecondFactorPaused as paused:
            form.add_error("code", _paused_message(paused))
        else:
            if replaced is not None:
                device, codes = replaced
                django_otp.login(request, device)
                return _show_recovery_codes(request, codes, next_url, replaced=True)
            form.add_error(
                "code", gettext("That code is not right, or it was used already. Try again.")
            )
    return render(request, "accounts/new_recovery_codes.html", {"form": form, "next": next_url})


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once, straight after they were made."""
    shown = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    next_url = _next_url(request)
    if not shown:
        return redirect(next_url)
    context = {"codes": shown["codes"], "replaced": shown["replaced"], "next": next_url}
    return render(request, "accounts/recovery_codes.html", context)


def _show_recovery_codes(
    request: HttpRequest, codes: list[str], next_url: str, *, replaced: bool
) -> HttpResponse:
    """Redirect to the page that shows `codes` once (a reload must not show them again)."""
    request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "replaced": replaced}
    return redirect(second_factor_url("accounts:recovery_codes", next_url))


def _paused_message(paused: services.SecondFactorPaused) -> str:
    """Say that the code was not checked, why, and how long to wait."""
    seconds = max(1, ceil((paused.until - timezone.now()).total_seconds()))
    wait = (
        ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
        if seconds < 120
        else gettext("%(count)s minutes") % {"count": ceil(seconds / 60)}
    )
    return gettext(
        "That code was not checked: after a wrong code, checking is paused for a moment, and "
        "longer after each wrong code in a row. Wait %(wait)s, then enter the code again."
    ) % {"wait": wait}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's step that sets the new password from the e-mailed link; it also lifts the sign-in
    pause on the account, so that the new password works at once."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.lift_sign_in_pause(user=form.user)
        return response
