"""Template helpers for the sign-in pages and the places that link to them."""

from django import template
from django.conf import settings
from django.utils.translation import ngettext

from accounts import selectors
from accounts.models import User

register = template.Library()


@register.filter
def has_authenticator(user: User) -> bool:
    """Whether to offer `user` new recovery codes (they have an app to confirm them with)."""
    return user.is_authenticated and selectors.has_authenticator(user)


@register.simple_tag
def password_reset_valid_for() -> str:
    """How long a password-reset link works, in words: "1 hour", "30 minutes"."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
