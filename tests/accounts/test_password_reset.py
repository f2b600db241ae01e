"""Self-service password reset: a link by e-mail, written to the outbox like every other e-mail."""

import re
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from outbox.models import Email

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "a new and rather long password"


def _ask_for_a_link(client, email: str):
    return client.post("/accounts/password-reset/", {"email": email})


def _link_path(email: Email) -> str:
    url = re.search(r"^http\S+$", email.body, re.MULTILINE).group()
    return url.removeprefix("http://127.0.0.1:8000")


def _sign_in(client, password: str, **meta):
    return client.post("/accounts/login/", {"username": "reviewer", "password": password}, **meta)


def _set_new_password(client, link: str):
    form = client.get(link, follow=True)  # Django moves the token into the session first
    assert "Choose a new password" in form.text
    return client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_the_sign_in_page_links_to_the_reset(client, db):
    assert 'href="/accounts/password-reset/"' in client.get("/accounts/login/").text


def test_a_reset_link_goes_out_through_the_outbox(
    client, settings, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask_for_a_link(client, reviewer.email.upper())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    email = Email.objects.get()
    assert (email.to, email.recipient, email.status) == (reviewer.email, reviewer, "sent")
    assert email.subject == "Reset your Vetted password"
    assert f"{settings.VETTED_SITE_URL}/accounts/password-reset/" in email.body
    assert "within 1 hour" in email.body
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "within 1 hour" in client.get(response["Location"]).text


def test_a_refused_reset_email_waits_in_the_outbox_for_its_retry(
    client, monkeypatch, reviewer, django_capture_on_commit_callbacks
):
    def refuse(message, *args, **kwargs):
        raise smtplib.SMTPDataError(451, b"Try again later")

    monkeypatch.setattr(EmailMessage, "send", refuse)

    with django_capture_on_commit_callbacks(execute=True):
        response = _ask_for_a_link(client, reviewer.email)

    assert response.status_code == 302
    email = Email.objects.get()
    assert (email.status, email.attempts) == ("queued", 1)
    assert "Try again later" in email.last_error


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = _ask_for_a_link(client, "nobody@example.org")

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert not Email.objects.exists()


def test_the_link_sets_a_new_password_and_works_once(client, reviewer):
    _ask_for_a_link(client, reviewer.email)
    link = _link_path(Email.objects.get())

    done = _set_new_password(client, link)

    assert done["Location"] == "/accounts/password-reset/done/"
    assert "_auth_user_id" not in client.session  # the second factor still comes after sign-in
    assert _sign_in(client, PASSWORD).status_code == 200
    assert _sign_in(client, NEW_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert "This link does not work any more" in client.get(link, follow=True).text


@pytest.mark.parametrize("where", ["here", "everywhere"])
def test_a_new_password_lifts_the_sign_in_pause(client, settings, reviewer, where):
    addresses = 1 if where == "here" else settings.VETTED_SIGN_IN_ADDRESS_LIMIT
    for i in range(addresses):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(client, "wrong", REMOTE_ADDR=f"198.51.100.{i}")
    assert _sign_in(client, PASSWORD, REMOTE_ADDR="198.51.100.0").status_code == 429

    _ask_for_a_link(client, reviewer.email)
    _set_new_password(client, _link_path(Email.objects.get()))

    response = _sign_in(client, NEW_PASSWORD, REMOTE_ADDR="198.51.100.0")
    assert response.status_code == 302
