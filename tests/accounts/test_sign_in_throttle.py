"""Wrong passwords lock the account at that address, and the account everywhere once they come
from many addresses (django-axes and accounts.throttle), on both sign-in pages."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
SIGN_IN_PAGES = [("/accounts/login/", "reviewer"), ("/admin/login/", "admin_user")]
LAST_ATTEMPT = "One more wrong password pauses sign-in to this account from this connection"


def _sign_in(client, url, username, password, **meta):
    return client.post(url, {"username": username, "password": password}, **meta)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _address(i: int) -> str:
    return f"198.51.100.{10 + i}"


@pytest.mark.parametrize(("url", "who"), SIGN_IN_PAGES)
def test_wrong_passwords_lock_the_account_at_that_address_even_for_the_right_one(
    db, client, settings, request, url, who
):
    user = request.getfixturevalue(who)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, url, user.username, "wrong password")

    response = _sign_in(client, url, user.username, PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)
    assert "Too many sign-in attempts" in response.text
    assert "paused from this connection" in response.text
    assert "try again after" in response.text
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_a_colleague_behind_the_same_address_still_signs_in(client, settings, reviewer, author):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "/accounts/login/", "reviewer", "wrong", REMOTE_ADDR="203.0.113.9")

    response = _sign_in(client, "/accounts/login/", "author", PASSWORD, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302 and _signed_in(client)


def test_the_right_password_from_another_address_still_signs_in(client, settings, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "/accounts/login/", "reviewer", "wrong", REMOTE_ADDR="203.0.113.9")

    response = _sign_in(
        client, "/accounts/login/", "reviewer", PASSWORD, REMOTE_ADDR="198.51.100.7"
    )

    assert response.status_code == 302 and _signed_in(client)


def test_wrong_passwords_from_many_addresses_lock_the_account_everywhere(
    client, settings, reviewer
):
    for i in range(settings.VETTED_SIGN_IN_ADDRESS_LIMIT):
        _sign_in(client, "/accounts/login/", "reviewer", "wrong", REMOTE_ADDR=_address(i))

    response = _sign_in(client, "/accounts/login/", "reviewer", PASSWORD, REMOTE_ADDR="192.0.2.200")

    assert response.status_code == 429 and not _signed_in(client)
    assert "paused everywhere" in response.text


def test_wrong_passwords_from_fewer_addresses_lock_nothing_elsewhere(client, settings, reviewer):
    for i in range(settings.VETTED_SIGN_IN_ADDRESS_LIMIT - 1):
        _sign_in(client, "/accounts/login/", "reviewer", "wrong", REMOTE_ADDR=_address(i))

    response = _sign_in(client, "/accounts/login/", "reviewer", PASSWORD, REMOTE_ADDR="192.0.2.200")

    assert response.status_code == 302 and _signed_in(client)


def test_a_forged_forwarded_for_does_not_reset_the_count(client, settings, reviewer):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(
            client, "/accounts/login/", "reviewer", "wrong",
            REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )  # fmt: skip

    response = _sign_in(
        client, "/accounts/login/", "reviewer", PASSWORD,
        REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200",
    )  # fmt: skip

    assert response.status_code == 429 and not _signed_in(client)


def test_behind_one_proxy_the_address_it_appended_is_counted(client, settings, reviewer):
    settings.VETTED_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for i in range(settings.AXES_FAILURE_LIMIT):
        # The client wrote the left entry; our proxy appended the right one.
        _sign_in(
            client, "/accounts/login/", "reviewer", "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9", **proxy,
        )  # fmt: skip

    locked = _sign_in(
        client, "/accounts/login/", "reviewer", PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy,
    )  # fmt: skip
    assert locked.status_code == 429 and not _signed_in(client)

    elsewhere = _sign_in(
        client, "/accounts/login/", "reviewer", PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy,
    )  # fmt: skip
    assert elsewhere.status_code == 302 and _signed_in(client)


@pytest.mark.parametrize(("url", "who"), SIGN_IN_PAGES)
def test_the_attempt_before_the_lock_warns(db, client, settings, request, url, who):
    user = request.getfixturevalue(who)
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        earlier = _sign_in(client, url, user.username, "wrong")
        assert LAST_ATTEMPT not in earlier.text

    response = _sign_in(client, url, user.username, "wrong")

    assert response.status_code == 200
    assert f"{LAST_ATTEMPT} for 15 minutes" in response.text


def test_fewer_wrong_passwords_than_the_limit_still_sign_in(client, settings, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "/accounts/login/", "reviewer", "wrong").status_code == 200

    response = _sign_in(client, "/accounts/login/", "reviewer", PASSWORD)

    assert response.status_code == 302 and _signed_in(client)


def test_the_lock_lifts_after_the_cool_off(client, settings, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "/accounts/login/", "reviewer", "wrong")
    assert _sign_in(client, "/accounts/login/", "reviewer", PASSWORD).status_code == 429

    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)

    response = _sign_in(client, "/accounts/login/", "reviewer", PASSWORD)
    assert response.status_code == 302 and _signed_in(client)


def test_axes_reset_lifts_every_lock(client, settings, reviewer):
    for i in range(settings.VETTED_SIGN_IN_ADDRESS_LIMIT):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(client, "/accounts/login/", "reviewer", "wrong", REMOTE_ADDR=_address(i))

    call_command("axes_reset", verbosity=0)

    response = _sign_in(client, "/accounts/login/", "reviewer", PASSWORD, REMOTE_ADDR=_address(0))
    assert response.status_code == 302 and _signed_in(client)


def test_the_lockout_page_offers_a_password_reset(client, settings, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "/accounts/login/", "reviewer", "wrong")

    assert response.status_code == 429
    assert 'href="/accounts/password-reset/"' in response.text
