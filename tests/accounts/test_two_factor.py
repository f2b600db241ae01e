"""With VETTED_REQUIRE_2FA on, Reviewers and Admins confirm a second factor before /review/ and
/admin/: a code from an authenticator app, or a one-time recovery code."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
RECOVERY_CODE = "k7wq2mzp"


@pytest.fixture
def require_2fa(settings):
    settings.VETTED_REQUIRE_2FA = True


@pytest.fixture
def authenticator(reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="Phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=reviewer, name="Recovery codes", confirmed=True)
    recovery.token_set.create(token=RECOVERY_CODE)
    return device


def _code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _sign_in(client, username: str, url: str = "/accounts/login/") -> None:
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password step itself must succeed"


def test_a_reviewer_with_an_authenticator_is_asked_for_a_code(client, require_2fa, authenticator):
    _sign_in(client, "reviewer")

    response = client.get("/review/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Freview%2F"


def test_the_right_code_lets_them_in(client, require_2fa, authenticator):
    _sign_in(client, "reviewer")

    response = client.post(
        "/accounts/two-factor/", {"code": _code_now(authenticator), "next": "/review/"}
    )

    assert response.status_code == 302 and response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200


def test_a_wrong_code_does_not(client, require_2fa, authenticator):
    _sign_in(client, "reviewer")
    wrong = f"{(int(_code_now(authenticator)) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/two-factor/", {"code": wrong, "next": "/review/"})

    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert client.get("/review/").status_code == 302


def test_a_recovery_code_works_once_only(client, django_user_model, require_2fa, authenticator):
    _sign_in(client, "reviewer")
    first = client.post("/accounts/two-factor/", {"code": RECOVERY_CODE.upper()})
    assert first.status_code == 302
    assert client.get("/review/").status_code == 200

    client.post("/accounts/logout/")
    _sign_in(client, "reviewer")
    again = client.post("/accounts/two-factor/", {"code": RECOVERY_CODE})

    assert again.status_code == 200
    assert client.get("/review/").status_code == 302


def test_the_admin_asks_for_the_second_factor_too(client, require_2fa, admin_user):
    _sign_in(client, "admin", url="/admin/login/")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/setup/?next=%2Fadmin%2F"


def test_a_reviewer_without_an_authenticator_sets_one_up_and_sees_recovery_codes_once(
    client, require_2fa, reviewer
):
    _sign_in(client, "reviewer")
    assert client.get("/review/")["Location"] == "/accounts/two-factor/setup/?next=%2Freview%2F"

    page = client.get("/accounts/two-factor/setup/?next=/review/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # the QR code
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert client.get("/review/").status_code == 302  # an unconfirmed app is not enough

    confirmed = client.post(
        "/accounts/two-factor/setup/", {"code": _code_now(device), "next": "/review/"}
    )
    assert confirmed["Location"] == "/accounts/two-factor/recovery-codes/?next=%2Freview%2F"
    shown = client.get(confirmed["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.text)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticDevice.objects.get(user=reviewer).token_set.values_list("token", flat=True)
    )
    assert client.get(confirmed["Location"]).status_code == 302  # shown once only
    assert client.get("/review/").status_code == 200


def test_a_wrong_code_does_not_confirm_a_new_authenticator(client, require_2fa, reviewer):
    _sign_in(client, "reviewer")
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=reviewer)
    wrong = f"{(int(_code_now(device)) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/two-factor/setup/", {"code": wrong})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
    assert client.get("/review/").status_code == 302


def test_the_password_alone_cannot_enrol_another_authenticator(client, require_2fa, authenticator):
    _sign_in(client, "reviewer")

    response = client.get("/accounts/two-factor/setup/?next=/review/")

    assert response["Location"] == "/accounts/two-factor/?next=%2Freview%2F"
    assert TOTPDevice.objects.filter(user=authenticator.user).count() == 1


def test_an_author_is_not_asked(client, require_2fa, author):
    _sign_in(client, "author")

    assert client.get("/review/").status_code == 200


def test_with_the_setting_off_nobody_is_asked(client, settings, authenticator, admin_user):
    settings.VETTED_REQUIRE_2FA = False
    _sign_in(client, "reviewer")
    assert client.get("/review/").status_code == 200

    client.post("/accounts/logout/")
    _sign_in(client, "admin", url="/admin/login/")
    assert client.get("/admin/").status_code == 200
