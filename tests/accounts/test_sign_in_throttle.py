"""Wrong passwords lock the account and the address (django-axes), on both sign-in pages."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
SIGN_IN_PAGES = [("/accounts/login/", "reviewer"), ("/admin/login/", "admin_user")]


def _sign_in(client, url, username, password, **meta):
    return client.post(url, {"username": username, "password": password}, **meta)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(("url", "who"), SIGN_IN_PAGES)
def test_wrong_passwords_lock_the_account_even_for_the_right_one(
    client, settings, request, url, who
):
    user = request.getfixturevalue(who)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, url, user.username, "wrong password")

    response = _sign_in(client, url, user.username, PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)
    assert "Too many sign-in attempts" in response.text
    assert "try again after" in response.text
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_the_account_stays_locked_from_another_address(client, settings, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "/accounts/login/", "reviewer", "wrong", REMOTE_ADDR="203.0.113.9")

    response = _sign_in(
        client, "/accounts/login/", "reviewer", PASSWORD, REMOTE_ADDR="198.51.100.7"
    )

    assert response.status_code == 429 and not _signed_in(client)


def test_a_forged_forwarded_for_does_not_reset_the_address_count(client, settings, reviewer):
    # Different accounts each time, so only the address count can lock.
    for i in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(
            client, "/accounts/login/", f"guess{i}", "wrong",
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
            client, "/accounts/login/", f"guess{i}", "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9", **proxy,
        )  # fmt: skip

    locked = _sign_in(
        client, "/accounts/login/", "reviewer", PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy,
    )  # fmt: skip
    assert locked.status_code == 429 and not _signed_in(client)

    other_reader = _sign_in(
        client, "/accounts/login/", "reviewer", PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy,
    )  # fmt: skip
    assert other_reader.status_code == 302 and _signed_in(client)


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
