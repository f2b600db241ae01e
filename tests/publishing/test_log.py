"""The publication log: every act that changes what readers see is one entry, written with the
act, carried to every surface once it commits, retried when a surface fails, swept up when the
broker missed it, and never carried for an edit of a draft."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from articles.models import Article
from publishing import delivery as log
from publishing.models import Delivery, PublicationEntry
from review import services
from tests.factories import SIGNED_CHECKLIST

Kind = PublicationEntry.Kind


def _entries(article: Article, kind: str):
    return PublicationEntry.objects.filter(article=article, kind=kind)


def test_an_approval_is_one_entry_with_a_delivery_per_surface(
    recording, make_article, author, reviewer, seen, professional_disclaimer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    article = make_article()
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    with django_capture_on_commit_callbacks(execute=True):
        services.make_move(
            "approve",
            article=article,
            by=reviewer,
            seen_revision_id=seen(article),
            checklist=SIGNED_CHECKLIST,
        )
    entry = _entries(article, Kind.PUBLISH).get()
    assert entry.edition.number == 1 and entry.actor == reviewer
    assert [(d.surface, d.status) for d in entry.deliveries.all()] == [("recording", "applied")]
    assert recording.applied[-1] == (Kind.PUBLISH, False)


def test_an_act_that_rolls_back_leaves_no_entry(recording, approved, reviewer, seen):
    before = PublicationEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.make_move("withdraw", article=approved, by=reviewer, comment="Unsafe dose",
                           seen_revision_id=seen(approved))  # fmt: skip
        raise RuntimeError("the request failed after the move")
    assert PublicationEntry.objects.count() == before
    approved.refresh_from_db()
    assert approved.withdrawn_at is None


def test_working_on_a_draft_writes_nothing_public_and_queues_nothing(
    recording, approved, author, reviewer2, admin_user, seen, client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from personalization.models import ReaderRole

    patient = ReaderRole.objects.create(slug="patient", label="Patient", audience="lay",
                                        target_grade=8)  # fmt: skip
    page = client.get(approved.get_absolute_url()).content
    before = PublicationEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.edit_article(
            article=approved, by=author, seen_revision_id=seen(approved), title="A new title?",
            summary="New.", body="A draft claim.", literature_current_through=None, comment="",
        )  # fmt: skip
        services.edit_variant(
            article=approved, role=patient, by=author, summary="Plain.", body="Plain words.",
            comment="", seen_revision_id=seen(approved),
        )  # fmt: skip
        services.assign_reviewer(article=approved, reviewer=reviewer2, by=admin_user)
        services.add_comment(article=approved, by=author, body="Ready soon.")
    assert PublicationEntry.objects.count() == before
    assert not [c for c in callbacks if "publishing" in getattr(c, "__module__", "")]
    assert client.get(approved.get_absolute_url()).content == page


def test_a_failing_surface_is_tried_again_with_back_off_then_marked_failed(
    recording, approved, reviewer, seen, settings, admin_user
):
    settings.VETTED_PUBLISH_MAX_ATTEMPTS = 2
    recording.failures = 5
    services.make_move("withdraw", article=approved, by=reviewer, comment="Unsafe dose",
                       seen_revision_id=seen(approved))  # fmt: skip
    delivery = Delivery.objects.get(entry__kind=Kind.WITHDRAW)

    assert log.deliver(delivery_id=delivery.pk) == "retry later"
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 1
    assert "ConnectionError: the surface did not answer" in delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=3) < wait <= timedelta(seconds=5)
    assert log.deliver(delivery_id=delivery.pk) == "not due"  # not before its next attempt

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert log.deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 2

    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/publishing/delivery/?status__exact=failed").content.decode()
    assert "ConnectionError: the surface did not answer" in listing
    recording.failures = 0
    admin.post("/admin/publishing/delivery/", {"action": "retry_now",
                                               "_selected_action": [delivery.pk]})  # fmt: skip
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 0
    assert log.deliver(delivery_id=delivery.pk) == "applied"
    assert recording.applied[-1] == (Kind.WITHDRAW, True)


def test_one_delivery_is_applied_by_one_worker_at_a_time(recording, approved):
    delivery = Delivery.objects.filter(entry__kind=Kind.PUBLISH).get()
    assert log._claim(delivery.pk, timezone.now())
    assert log.deliver(delivery_id=delivery.pk) == "not due"  # another worker holds it
    assert recording.applied == []


def test_a_delivery_abandoned_by_a_lost_worker_is_applied_after_its_lease(recording, approved):
    delivery = Delivery.objects.filter(entry__kind=Kind.PUBLISH).get()
    assert log._claim(delivery.pk, timezone.now())  # a worker took it, then was killed
    Delivery.objects.filter(pk=delivery.pk).update(leased_until=timezone.now() - timedelta(1))
    assert log.deliver(delivery_id=delivery.pk) == "applied"
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == "applied"


def test_the_sweep_applies_what_the_broker_never_got(
    recording, approved, reviewer, seen, monkeypatch, django_capture_on_commit_callbacks
):
    from publishing import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("no broker")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.deliver, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            services.make_move("withdraw", article=approved, by=reviewer, comment="Unsafe dose",
                               seen_revision_id=seen(approved))  # fmt: skip
    approved.refresh_from_db()
    assert approved.withdrawn_at is not None  # the act stands
    assert Client().get(approved.get_absolute_url()).status_code == 410  # Django: at once
    waiting = Delivery.objects.get(entry__kind=Kind.WITHDRAW)
    assert waiting.status == "queued" and recording.applied == []

    assert log.sweep() >= 1  # the broker is back: the periodic sweep queues it (here: runs it)
    waiting.refresh_from_db()
    assert waiting.status == "applied" and recording.applied[-1] == (Kind.WITHDRAW, True)


def test_an_old_entry_applied_after_a_withdrawal_cannot_bring_the_page_back(
    recording, approved, reviewer, seen
):
    publish = Delivery.objects.get(entry__kind=Kind.PUBLISH)
    services.make_move("withdraw", article=approved, by=reviewer, comment="Unsafe dose",
                       seen_revision_id=seen(approved))  # fmt: skip
    withdraw = Delivery.objects.get(entry__kind=Kind.WITHDRAW)
    assert log.deliver(delivery_id=withdraw.pk) == "applied"
    assert log.deliver(delivery_id=publish.pk) == "applied"  # late: the broker held it back
    # The surface is brought in line with what is public now, whichever entry comes last.
    assert recording.applied == [(Kind.WITHDRAW, True), (Kind.PUBLISH, True)]


def test_healthz_reports_the_oldest_entry_not_yet_applied_everywhere(recording, approved, client):
    entry = PublicationEntry.objects.filter(kind=Kind.PUBLISH).get()
    PublicationEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timedelta(minutes=3)
    )
    lag = client.get("/healthz").json()["publication_log"]
    assert 170 < lag["oldest_unapplied_seconds"] < 200
    for delivery in Delivery.objects.all():
        log.deliver(delivery_id=delivery.pk)
    assert client.get("/healthz").json()["publication_log"]["oldest_unapplied_seconds"] == 0


def test_a_provisional_pages_tracker_follows_the_review_through_the_log(
    recording, make_article, author, editor, reviewer, seen, professional_disclaimer, client
):
    article = make_article()
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("publish_provisionally", article=article, by=editor,
                       seen_revision_id=seen(article))  # fmt: skip
    assert (
        'aria-current="step">Submitted' in client.get(article.get_absolute_url()).content.decode()
    )
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    page = client.get(article.get_absolute_url()).content.decode()  # not the stored Submitted one
    assert 'aria-current="step">Under Review' in page
    status = _entries(article, Kind.STATUS).get()
    assert status.note == "Under Review" and status.deliveries.get().surface == "recording"


def test_a_change_of_surroundings_goes_to_the_bulk_queue_and_never_runs_in_the_request(
    recording, approved, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from publishing import tasks
    from publishing.services import change_surroundings

    sent = []
    monkeypatch.setattr(tasks.republish, "apply_async",
                        lambda args, **kw: sent.append(("republish", args)))  # fmt: skip
    monkeypatch.setattr(tasks.deliver, "apply_async",
                        lambda args, **kw: sent.append(("deliver", args)))  # fmt: skip
    assert settings.CELERY_TASK_ROUTES["publishing.tasks.republish"] == {"queue": "bulk"}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        change_surroundings("lay", by=None)
    assert sent == [] and recording.applied == []  # no broker: left for the sweep
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        entry = change_surroundings("professional", by=None)
    assert sent == [("republish", (entry.deliveries.get().pk,))]
    sent.clear()
    log.sweep()
    assert {name for name, _ in sent} == {"republish", "deliver"}  # the lay one; the approval's
