"""Second-factor devices: an authenticator app (TOTP) and one-time recovery codes (django-otp);
and what a new password undoes."""

from datetime import datetime

import django_otp
from axes.utils import reset as reset_sign_in_attempts
from django.db import transaction
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class SecondFactorPaused(Exception):
    """The code was not checked: after wrong codes, django-otp checks none until `until`.

    The pause doubles with each wrong code in a row (1 s, 2 s, 4 s ...), which makes guessing six
    digits hopeless; a person who typed one digit wrong only needs to wait a moment.
    """

    def __init__(self, until: datetime):
        super().__init__(f"Codes are not checked until {until.isoformat()}.")
        self.until = until


def pending_authenticator(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up; the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def confirm_authenticator(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows; return fresh recovery codes, or None if wrong.

    Earlier recovery codes stop working: only the list shown now is valid. Raises
    SecondFactorPaused when a wrong code just before keeps this one from being checked.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed:
            return None
        _refuse_if_paused(device)
        if not device.verify_token(_normalized(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return _issue_recovery_codes(user)


def verify_second_factor(*, user: User, code: str) -> Device | None:
    """The device that accepts `code`: six digits ask the app, anything else a recovery code.

    Asking only the device the code can belong to keeps one device's throttling (django-otp
    slows down repeated wrong codes) from counting the other's attempts. Raises
    SecondFactorPaused when that throttling kept the code from being checked.
    """
    code = _normalized(code)
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    paused_until: list[datetime] = []
    for device in model.objects.devices_for_user(user, confirmed=True):
        until = _paused_until(device)
        if until is not None:
            paused_until.append(until)
            continue
        # A recovery code is deleted as it is accepted, under a row lock: it works once only.
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    if paused_until:
        raise SecondFactorPaused(min(paused_until))
    return None


def replace_recovery_codes(*, user: User, code: str) -> tuple[Device, list[str]] | None:
    """New recovery codes for someone who confirms a current code (the app's or a recovery code).

    Returns the device that accepted the code and the new codes; None if the code is wrong. The
    earlier recovery codes stop working. Raises SecondFactorPaused as verify_second_factor does.
    """
    with transaction.atomic():
        device = verify_second_factor(user=user, code=code)
        if device is None:
            return None
        return device, _issue_recovery_codes(user)


def lift_sign_in_pause(*, user: User) -> int:
    """Forget the wrong passwords tried for `user`'s account once its password has changed: they
    were guesses at a password that no longer works. Returns how many records went."""
    return reset_sign_in_attempts(username=user.get_username())


def _issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes. Their device is kept (emptied), not replaced: a session
    just verified with one of its codes stays verified (django-otp remembers the device)."""
    recovery = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if recovery is None:
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=recovery.pk).delete()
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes


def _paused_until(device: Device) -> datetime | None:
    allowed, details = device.verify_is_allowed()
    if allowed or details.get("reason") is not VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return None
    return details["locked_until"]


def _refuse_if_paused(device: Device) -> None:
    until = _paused_until(device)
    if until is not None:
        raise SecondFactorPaused(until)


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()
