from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, ngettext

from .throttle import sign_in_standing


class WarnBeforeTheLockMixin:
    """A wrong password that leaves one attempt before the lock says so, and for how long
    (`last_attempt_warning`).

    Counts only this address's attempts: they are the ones the person signing in controls.
    """

    last_attempt_warning = ""

    def get_invalid_login_error(self) -> ValidationError:
        error = super().get_invalid_login_error()
        if not settings.AXES_ENABLED or not hasattr(self.request, "axes_ip_address"):
            return error
        username = self.cleaned_data.get("username")
        standing = sign_in_standing(self.request, {settings.AXES_USERNAME_FORM_FIELD: username})
        if standing.attempts_left_here == 1:
            minutes = max(1, round(get_cool_off(self.request).total_seconds() / 60))
            self.last_attempt_warning = ngettext(
                "One more wrong password pauses sign-in to this account from this connection "
                "for %(count)s minute. If you are not sure of your password, reset it instead.",
                "One more wrong password pauses sign-in to this account from this connection "
                "for %(count)s minutes. If you are not sure of your password, reset it instead.",
                minutes,
            ) % {"count": minutes}
        return error


class SignInForm(WarnBeforeTheLockMixin, AuthenticationForm):
    """The sign-in page's form (/accounts/login/); its template shows the warning."""


class AdminSignInForm(WarnBeforeTheLockMixin, AdminAuthenticationForm):
    """The admin's sign-in form (/admin/login/), whose template shows errors only: the warning
    is one of them."""

    def get_invalid_login_error(self) -> ValidationError:
        error = super().get_invalid_login_error()
        if not self.last_attempt_warning:
            return error
        return ValidationError([error, ValidationError(self.last_attempt_warning)])


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
