"""With VETTED_REQUIRE_2FA on, Reviewers and Admins confirm a second factor before /review/ and
/admin/: a code from an authenticator app, or a one-time recovery code."""

import re
from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
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


def _wrong(device: TOTPDevice) -> str:
    return f"{(int(_code_now(device)) + 1) % 1_000_000:06d}"


def _let_the_pause_pass(device) -> None:
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(minutes=1)
    device.save(update_fields=["throttling_failure_timestamp"])


@pytest.fixture
def slow_throttle(settings):
    """Ten seconds after a first wrong code rather than one, so a slow test run still sees it."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    settings.OTP_STATIC_THROTTLE_FACTOR = 10


def test_a_right_code_just_after_a_wrong_one_is_paused_and_says_for_how_long(
    client, require_2fa, authenticator, slow_throttle
):
    _sign_in(client, "reviewer")
    client.post("/accounts/two-factor/", {"code": _wrong(authenticator)})

    response = client.post("/accounts/two-factor/", {"code": _code_now(authenticator)})

    assert response.status_code == 200
    assert "That code was not checked" in response.text
    assert "That code is not right" not in response.text
    assert re.search(r"checking is paused for a moment.*Wait (9|10) seconds", response.text)
    _let_the_pause_pass(authenticator)
    again = client.post("/accounts/two-factor/", {"code": _code_now(authenticator)})
    assert again.status_code == 302 and client.get("/review/").status_code == 200


def test_setting_up_an_app_pauses_after_a_wrong_code_too(
    client, require_2fa, reviewer, slow_throttle
):
    _sign_in(client, "reviewer")
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=reviewer)
    client.post("/accounts/two-factor/setup/", {"code": _wrong(device)})

    response = client.post("/accounts/two-factor/setup/", {"code": _code_now(device)})

    assert "That code was not checked" in response.text
    assert re.search(r"Wait (9|10) seconds", response.text)
    _let_the_pause_pass(device)
    confirmed = client.post("/accounts/two-factor/setup/", {"code": _code_now(device)})
    assert confirmed.status_code == 302


def _recovery_codes(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def _codes_shown(client, response) -> list[str]:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/recovery-codes/?next=")
    shown = client.get(response["Location"])
    assert "Your new recovery codes are ready" in shown.text
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.text)


def test_an_app_code_makes_new_recovery_codes_and_the_old_ones_stop_working(
    client, require_2fa, authenticator
):
    _sign_in(client, "reviewer")
    page = client.get("/accounts/two-factor/recovery-codes/new/")
    assert page.status_code == 200 and not re.search(r"<code>[a-z2-7]{8}</code>", page.text)

    response = client.post(
        "/accounts/two-factor/recovery-codes/new/", {"code": _code_now(authenticator)}
    )

    codes = _codes_shown(client, response)
    assert len(codes) == 10 and set(codes) == _recovery_codes(authenticator.user)
    assert RECOVERY_CODE not in codes
    for code, status in ((codes[0], 302), (RECOVERY_CODE, 200)):
        client.post("/accounts/logout/")
        _sign_in(client, "reviewer")
        assert client.post("/accounts/two-factor/", {"code": code}).status_code == status


def test_a_recovery_code_makes_new_ones_and_verifies_the_session(
    client, require_2fa, authenticator
):
    _sign_in(client, "reviewer")

    response = client.post("/accounts/two-factor/recovery-codes/new/", {"code": RECOVERY_CODE})

    codes = _codes_shown(client, response)
    assert RECOVERY_CODE not in codes and len(codes) == 10
    assert client.get("/review/").status_code == 200


def test_a_wrong_code_makes_no_new_recovery_codes(client, require_2fa, authenticator):
    _sign_in(client, "reviewer")
    before = _recovery_codes(authenticator.user)

    response = client.post(
        "/accounts/two-factor/recovery-codes/new/", {"code": _wrong(authenticator)}
    )

    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert _recovery_codes(authenticator.user) == before


def test_without_an_app_new_recovery_codes_start_with_setting_one_up(client, reviewer):
    _sign_in(client, "reviewer")

    response = client.get("/accounts/two-factor/recovery-codes/new/?next=/review/")

    assert response["Location"] == "/accounts/two-factor/setup/?next=%2Freview%2F"


def test_the_review_page_offers_new_recovery_codes_to_those_with_an_app(
    client, authenticator, author
):
    _sign_in(client, "reviewer")
    assert "/accounts/two-factor/recovery-codes/new/" in client.get("/review/").text

    client.post("/accounts/logout/")
    _sign_in(client, "author")
    assert "/accounts/two-factor/recovery-codes/new/" not in client.get("/review/").text
