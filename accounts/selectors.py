from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def has_authenticator(user: User) -> bool:
    """Whether the user has confirmed an authenticator app (and so holds recovery codes)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
