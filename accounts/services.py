"""Second-factor devices: an authenticator app (TOTP) and one-time recovery codes (django-otp)."""

import django_otp
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def pending_authenticator(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up; the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def confirm_authenticator(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows; return fresh recovery codes, or None if wrong.

    Earlier recovery codes stop working: only the list shown now is valid.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(_normalized(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes


def verify_second_factor(*, user: User, code: str) -> Device | None:
    """The device that accepts `code`: six digits ask the app, anything else a recovery code.

    Asking only the device the code can belong to keeps one device's throttling (django-otp
    slows down repeated wrong codes) from counting the other's attempts.
    """
    code = _normalized(code)
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        # A recovery code is deleted as it is accepted, under a row lock: it works once only.
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()
