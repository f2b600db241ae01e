"""The outbox: mail after the commit, once, with retries over minutes, and a sweep that a bad
row does not stop."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from outbox import services
from outbox.models import Email
from outbox.tasks import send_email, sweep_outbox
from review.models import Notification, ReviewEvent
from review.services import make_move


def _queue(to="reader@example.org", **fields) -> Email:
    return services.queue_email(to=to, subject="Hello", body="Text", **fields)


def _make_due(email: Email) -> None:
    # Test setup: pretend the wait before the next attempt has passed.
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())


def test_mail_goes_after_the_commit_and_not_after_a_rollback(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _queue()
    assert len(callbacks) == 1 and mail.outbox == []  # written, not sent, until the commit
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # noqa: SIM117
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue(to="other@example.org")
            raise RuntimeError("the change that caused it failed")
    assert callbacks == [] and mail.outbox == []
    assert not Email.objects.filter(to="other@example.org").exists()


def test_a_send_task_run_twice_sends_once(db):
    email = _queue()  # the test's transaction never commits: the task has not run yet
    assert send_email(email.pk) == "sent"
    assert send_email(email.pk) == "not_due"
    assert len(mail.outbox) == 1


def test_the_same_notice_is_written_once(db):
    assert _queue(dedupe_key="question-notice:1:2") is not None
    assert _queue(dedupe_key="question-notice:1:2") is None
    assert Email.objects.count() == 1


@pytest.fixture
def submitted(make_article, author, reviewer, django_capture_on_commit_callbacks):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=False):  # its notice waits to be sent
        make_move(
            "submit", article=article, by=author, seen_revision_id=latest_revision_id(article)
        )
    return article


def test_a_refusing_mail_server_gets_retries_over_minutes_then_failed(
    submitted, reviewer, smtp_server, smtp_mailer, settings
):
    server = smtp_server("refuse")
    smtp_mailer()
    email = Notification.objects.get(recipient=reviewer).email
    article_before = Article.objects.values().get(pk=submitted.pk)
    events_before = ReviewEvent.objects.count()

    waits = []
    for attempt in range(1, settings.VETTED_MAIL_MAX_ATTEMPTS + 1):
        _make_due(email)
        expected = "failed" if attempt == settings.VETTED_MAIL_MAX_ATTEMPTS else "retry_later"
        assert send_email(email.pk) == expected
        assert send_email(email.pk) == "not_due"  # no quick second try
        email.refresh_from_db()
        assert email.attempts == attempt and "550" in email.last_error
        waits.append(email.next_attempt_at - email.sending_started_at)

    assert email.status == Email.Status.FAILED
    assert "Refused by policy" in email.last_error
    # 1, 2, 4, 8, 16 minutes between tries (the last wait is the one before the final try).
    minutes = [round(wait.total_seconds() / 60) for wait in waits[:-1]]
    assert minutes == [1, 2, 4, 8, 16]
    assert server.data_count == settings.VETTED_MAIL_MAX_ATTEMPTS and server.received == []
    assert sweep_outbox() == 0  # a failed row waits for a person
    # The mail server's refusal never touches the article or its review.
    assert Article.objects.values().get(pk=submitted.pk) == article_before
    assert submitted.state == ReviewState.SUBMITTED
    assert ReviewEvent.objects.count() == events_before


def test_a_mail_server_slower_than_the_timeout_costs_one_attempt_per_run(
    db, smtp_server, smtp_mailer
):
    server = smtp_server("stall")
    smtp_mailer(timeout=1)
    email = _queue()
    assert send_email(email.pk) == "retry_later"
    email.refresh_from_db()
    assert server.data_count == 1, "the message was offered more than once in one run"
    assert email.attempts == 1 and email.status == Email.Status.QUEUED
    assert "timed out" in email.last_error
    assert email.next_attempt_at - timezone.now() > timedelta(seconds=50)
    assert send_email(email.pk) == "not_due" and sweep_outbox() == 0
    assert server.data_count == 1


def test_a_row_left_sending_past_its_lease_is_sent_again_by_the_sweep(db, settings):
    lost, busy = _queue(to="lost@example.org"), _queue(to="busy@example.org")
    lease = timedelta(seconds=settings.VETTED_MAIL_SENDING_LEASE_SECONDS)
    # Test setup: one worker died mid-send a lease ago; another started a moment ago.
    Email.objects.filter(pk=lost.pk).update(
        status="sending", attempts=1, sending_started_at=timezone.now() - lease - timedelta(1)
    )
    Email.objects.filter(pk=busy.pk).update(
        status="sending", attempts=1, sending_started_at=timezone.now()
    )
    assert sweep_outbox() == 1
    assert [m.to for m in mail.outbox] == [["lost@example.org"]]
    lost.refresh_from_db()
    assert lost.status == Email.Status.SENT and lost.attempts == 2
    assert lost.last_error == services.LOST_WORKER  # the admin sees it may have gone twice
    assert Email.objects.get(pk=busy.pk).status == Email.Status.SENDING


def test_a_row_whose_every_attempt_lost_its_worker_is_failed(db, settings):
    email = _queue()
    Email.objects.filter(pk=email.pk).update(
        status="sending",
        attempts=settings.VETTED_MAIL_MAX_ATTEMPTS,
        sending_started_at=timezone.now() - timedelta(days=1),
    )
    assert sweep_outbox() == 0 and mail.outbox == []
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED and email.last_error == services.LOST_WORKER


def test_one_row_whose_send_raises_does_not_stop_the_sweep(db, monkeypatch, caplog):
    first, broken, last = _queue("a@example.org"), _queue("b@example.org"), _queue("c@example.org")
    deliver = services.deliver

    def deliver_or_break(*, email_id):
        if email_id == broken.pk:
            raise RuntimeError("the database went away for this one")
        return deliver(email_id=email_id)

    monkeypatch.setattr(services, "deliver", deliver_or_break)
    with caplog.at_level(logging.ERROR, logger="outbox.services"):
        assert sweep_outbox() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "c@example.org"]
    assert f"Outbox e-mail {broken.pk}: not sent" in caplog.text
    assert Email.objects.get(pk=broken.pk).status == Email.Status.QUEUED  # the next sweep's
    assert {first.pk, last.pk} == set(
        Email.objects.filter(status="sent").values_list("pk", flat=True)
    )


def test_the_admin_lists_the_outbox_and_retries_failed_rows(
    client, admin_user, django_capture_on_commit_callbacks
):
    failed = _queue(to="failed@example.org")
    Email.objects.filter(pk=failed.pk).update(
        status="failed", attempts=6, last_error="SMTPDataError: 550 Refused"
    )
    client.force_login(admin_user)
    page = client.get("/admin/outbox/email/?status__exact=failed").content.decode()
    assert "failed@example.org" in page and "550 Refused" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/outbox/email/", {"action": "retry_now", "_selected_action": [failed.pk]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Email.Status.SENT and failed.attempts == 1
    assert [m.to for m in mail.outbox] == [["failed@example.org"]]
