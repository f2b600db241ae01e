import pytest
from django.contrib.auth.models import Group
from django.core import mail
from reversion.models import Version

from articles.models import Article, ReviewState
from review import services
from review.models import Notification, ReviewEvent
from tests.factories import SIGNED_CHECKLIST


def move(name, article, user, seen, comment="Looks right."):
    return services.make_move(
        name,
        article=article,
        by=user,
        seen_revision_id=seen(article),
        comment=comment,
        checklist=SIGNED_CHECKLIST,
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a move queues for after commit, as the real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def submitted(make_article, author, reviewer, seen, committed):
    article = make_article()
    with committed():
        services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


@pytest.fixture
def under_review(submitted, reviewer, seen):
    services.make_move(
        "start_review", article=submitted, by=reviewer, seen_revision_id=seen(submitted)
    )
    return submitted


def test_the_whole_loop_ends_with_the_reviewed_text_live(
    under_review, author, reviewer, reviewer2, seen
):
    move("request_changes", under_review, reviewer, seen, comment="Cite the ESMO guideline.")
    services.edit_article(
        article=under_review,
        by=author,
        seen_revision_id=seen(under_review),
        title=under_review.title,
        summary="Now with ESMO.",
        body=under_review.body,
        literature_current_through=None,
        comment="Added ESMO",
    )
    move("submit", under_review, author, seen)
    move("start_review", under_review, reviewer2, seen)
    approved_revision = seen(under_review)
    event = move("approve", under_review, reviewer2, seen)

    article = Article.objects.get(pk=under_review.pk)
    assert article.state == ReviewState.APPROVED
    assert article.live_revision_id == approved_revision == event.revision_id
    assert article.approved_by == reviewer2
    assert len(article.approved_sha256) == 64
    assert [e.action for e in article.review_events.all()] == [
        "submit", "start_review", "request_changes", "edit", "submit", "start_review", "approve"
    ]  # fmt: skip


def test_approve_refuses_the_author_who_is_also_a_reviewer(submitted, author, reviewer, seen):
    author.groups.add(reviewer.groups.get())
    move("start_review", submitted, reviewer, seen)
    with pytest.raises(services.NotAllowed, match="another reviewer must approve"):
        move("approve", submitted, author, seen)
    assert Article.objects.get(pk=submitted.pk).state == ReviewState.UNDER_REVIEW


def test_approve_refuses_a_reviewer_who_edited_the_text(under_review, reviewer, seen):
    reviewer.groups.add(Group.objects.get_or_create(name="Editors")[0])  # edits any article
    move("request_changes", under_review, reviewer, seen, comment="I will fix it myself")
    services.edit_article(
        article=under_review, by=reviewer, seen_revision_id=seen(under_review),
        title="Edited by the reviewer", summary=under_review.summary, body=under_review.body,
        literature_current_through=None, comment="fix",
    )  # fmt: skip
    move("submit", under_review, reviewer, seen)
    move("start_review", under_review, reviewer, seen)
    with pytest.raises(services.NotAllowed):
        move("approve", under_review, reviewer, seen)


def test_starting_review_does_not_count_as_editing(under_review, reviewer, seen):
    move("approve", under_review, reviewer, seen)
    assert Article.objects.get(pk=under_review.pk).state == ReviewState.APPROVED


def test_the_second_of_two_approvals_of_one_revision_is_stale_and_names_the_state_now(
    under_review, reviewer, reviewer2, seen
):
    both_saw = seen(under_review)
    services.make_move(
        "approve",
        article=under_review,
        by=reviewer,
        seen_revision_id=both_saw,
        checklist=SIGNED_CHECKLIST,
    )
    with pytest.raises(services.StaleRevision, match="it is now approved") as caught:
        services.make_move(
            "approve",
            article=under_review,
            by=reviewer2,
            seen_revision_id=both_saw,
            checklist=SIGNED_CHECKLIST,
        )
    assert caught.value.status_code == 409
    assert ReviewEvent.objects.filter(action="approve").count() == 1


def test_a_stale_page_does_not_turn_a_refusal_of_the_person_into_a_conflict(
    under_review, author, reviewer, seen
):
    both_saw = seen(under_review)
    services.make_move(
        "approve",
        article=under_review,
        by=reviewer,
        seen_revision_id=both_saw,
        checklist=SIGNED_CHECKLIST,
    )
    with pytest.raises(services.NotAllowed):  # 403: never theirs to do, whatever they saw
        services.make_move(
            "approve",
            article=under_review,
            by=author,
            seen_revision_id=both_saw,
            checklist=SIGNED_CHECKLIST,
        )


def test_a_stale_action_is_refused_and_changes_nothing(submitted, reviewer, seen):
    old = seen(submitted)
    move("start_review", submitted, reviewer, seen)
    events = ReviewEvent.objects.count()
    with pytest.raises(services.StaleRevision, match="changed since you opened it"):
        services.make_move(
            "request_changes",
            article=submitted,
            by=reviewer,
            seen_revision_id=old,
            comment="Too late",
        )
    assert ReviewEvent.objects.count() == events
    assert Article.objects.get(pk=submitted.pk).state == ReviewState.UNDER_REVIEW


def test_a_stale_edit_is_refused_and_keeps_the_newer_text(make_article, author, seen):
    article = make_article()
    old = seen(article)
    services.edit_article(
        article=article, by=author, seen_revision_id=old, title="First edit", summary="",
        body=article.body, literature_current_through=None, comment="one",
    )  # fmt: skip
    with pytest.raises(services.StaleRevision):
        services.edit_article(
            article=article, by=author, seen_revision_id=old, title="Second edit", summary="",
            body=article.body, literature_current_through=None, comment="two",
        )  # fmt: skip
    assert Article.objects.get(pk=article.pk).title == "First edit"


def test_request_changes_needs_a_comment(under_review, reviewer, seen):
    with pytest.raises(services.InvalidTransition, match="needs a comment"):
        move("request_changes", under_review, reviewer, seen, comment="  ")


def test_withdraw_needs_a_reason_and_takes_the_article_down(under_review, reviewer, seen):
    move("approve", under_review, reviewer, seen)
    with pytest.raises(services.InvalidTransition):
        move("withdraw", under_review, reviewer, seen, comment="")
    move("withdraw", under_review, reviewer, seen, comment="Dosing error found")
    assert Article.objects.get(pk=under_review.pk).state == ReviewState.WITHDRAWN
    assert not Article.objects.public().filter(pk=under_review.pk).exists()


def test_every_move_writes_a_revision_with_its_actor(submitted, reviewer, seen):
    before = Version.objects.get_for_object(submitted).count()
    event = move("start_review", submitted, reviewer, seen)
    versions = Version.objects.get_for_object(submitted)
    assert versions.count() == before + 1
    assert versions.first().revision.user == reviewer
    assert event.created_revision_id == versions.first().revision_id


def test_editing_approved_text_starts_a_draft_and_keeps_the_approval_live(
    under_review, author, reviewer, seen
):
    move("approve", under_review, reviewer, seen)
    live = Article.objects.get(pk=under_review.pk).live_revision_id
    services.edit_article(
        article=under_review, by=author, seen_revision_id=seen(under_review),
        title="A new question?", summary="", body=under_review.body,
        literature_current_through=None, comment="Rewording",
    )  # fmt: skip
    article = Article.objects.get(pk=under_review.pk)
    assert article.state == ReviewState.DRAFT
    assert article.live_revision_id == live
    assert Article.objects.public().filter(pk=article.pk).exists()


def test_text_under_review_cannot_be_edited(under_review, author, seen):
    with pytest.raises(services.InvalidTransition, match=r"Edit is not possible: .* under review"):
        services.edit_article(
            article=under_review, by=author, seen_revision_id=seen(under_review),
            title="Sneaky", summary="", body=under_review.body,
            literature_current_through=None, comment="",
        )  # fmt: skip


def test_an_edit_with_a_dangling_citation_is_refused(make_article, author, seen):
    article = make_article()
    with pytest.raises(services.InvalidTransition, match=r"\[@nobody\]"):
        services.edit_article(
            article=article, by=author, seen_revision_id=seen(article), title=article.title,
            summary="", body="Claim.[@nobody]", literature_current_through=None, comment="",
        )  # fmt: skip
    assert "[@nobody]" not in Article.objects.get(pk=article.pk).body


def test_submit_notifies_reviewers_after_commit(
    make_article, author, reviewer, reviewer2, seen, committed
):
    article = make_article()
    with committed():
        move("submit", article, author, seen)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer.email, reviewer2.email])
    assert not Notification.objects.exclude(email__status="sent").exists()


def test_assigned_reviewers_alone_hear_of_a_submission(
    make_article, author, reviewer, reviewer2, seen, committed
):
    article = make_article()
    with committed():
        services.assign_reviewer(article=article, reviewer=reviewer2, by=reviewer)
    assert [m.to for m in mail.outbox] == [[reviewer2.email]]
    mail.outbox.clear()
    with committed():
        move("submit", article, author, seen)
    assert [m.to for m in mail.outbox] == [[reviewer2.email]]


def test_author_hears_of_changes_requested_and_approval(
    under_review, author, reviewer, seen, committed
):
    mail.outbox.clear()
    with committed():
        move("request_changes", under_review, reviewer, seen, comment="Add ESMO 2022")
    assert mail.outbox[-1].to == [author.email]
    assert "Add ESMO 2022" in mail.outbox[-1].body


def test_nothing_is_queued_until_commit_and_nothing_if_rolled_back(
    make_article, author, reviewer, seen, django_capture_on_commit_callbacks
):
    from django.db import transaction

    article = make_article()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        move("submit", article, author, seen)
    queued = [c for c in callbacks if c.__module__ != "public.page_cache"]  # not cache upkeep
    assert len(queued) == 1  # one reviewer, one notification, queued for after commit
    assert mail.outbox == []

    mail.outbox.clear()
    other = make_article(slug="other")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # noqa: SIM117
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                move("submit", other, author, seen)
                raise RuntimeError("the request failed after the move")
    assert callbacks == []
    assert mail.outbox == []
    assert Article.objects.get(pk=other.pk).state == ReviewState.DRAFT
    assert not Notification.objects.filter(event__article=other).exists()


def test_sending_a_notification_twice_sends_one_email(submitted, reviewer):
    from outbox.tasks import send_email

    notification = Notification.objects.get(recipient=reviewer)
    mail.outbox.clear()
    assert send_email(notification.email_id) == "not_due"  # already sent on commit
    assert mail.outbox == []


def test_the_sweep_sends_what_the_broker_missed(submitted, reviewer):
    from outbox.models import Email
    from outbox.tasks import sweep_outbox

    Email.objects.update(status="queued", sent_at=None)  # as if the broker had been down
    mail.outbox.clear()
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    assert [m.to for m in mail.outbox] == [[reviewer.email]]


def test_review_events_are_append_only(submitted):
    event = ReviewEvent.objects.first()
    event.comment = "rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
