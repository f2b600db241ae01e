"""Work on a schedule: due dates, reminders and escalation, scheduled go-live and re-review.

The beat tasks are called directly with the day (or moment) they run on."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ReviewState, Topic
from outbox.models import Email
from review import schedule, services, tasks
from review.errors import InvalidTransition, NotAllowed
from review.models import ReviewAssignment, ScheduledGoLive, SignOffPolicy
from tests.factories import CHECKLIST_FIELDS, SIGNED_CHECKLIST


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def submitted(make_article, author, seen):
    article = make_article()
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


@pytest.fixture
def assigned(submitted, reviewer, editor, admin_user):
    services.assign_reviewer(article=submitted, reviewer=reviewer, by=admin_user)
    return ReviewAssignment.objects.get(article=submitted, reviewer=reviewer)


def _last_email() -> int:
    return Email.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _new(start: int):
    return Email.objects.filter(pk__gt=start)


def _at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


# Due dates and reminders ------------------------------------------------------------------


def test_an_assignment_is_due_after_the_policy_review_days(assigned, today):
    assert assigned.due_on == today + timedelta(days=14)  # the built-in default


def test_a_topic_policy_shortens_the_review_time(submitted, reviewer, admin_user, today):
    topic = Topic.objects.create(name="Oncology", slug="oncology")
    SignOffPolicy.objects.create(topic=topic, review_days=10)
    submitted.topics.add(topic)
    services.assign_reviewer(article=submitted, reviewer=reviewer, by=admin_user)
    assert ReviewAssignment.objects.get(article=submitted).due_on == today + timedelta(days=10)


def test_reminders_go_before_and_on_the_due_date_and_the_editors_hear_after_it_each_once(
    assigned, reviewer, editor
):
    due = assigned.due_on
    start = _last_email()
    assert tasks.remind_assignments_due(today=str(due - timedelta(days=3))) == 0
    assert tasks.remind_assignments_due(today=str(due - timedelta(days=2))) == 1
    assert tasks.remind_assignments_due(today=str(due - timedelta(days=1))) == 0  # once
    before = _new(start).get()
    assert before.to == reviewer.email and "Review due on" in before.subject
    assert tasks.remind_assignments_due(today=str(due)) == 1
    assert tasks.remind_assignments_due(today=str(due)) == 0
    assert _new(start).filter(to=reviewer.email, subject__startswith="Review due today").exists()
    assert tasks.remind_assignments_due(today=str(due + timedelta(days=1))) == 1
    assert tasks.remind_assignments_due(today=str(due + timedelta(days=5))) == 0
    escalation = _new(start).get(subject__startswith="Overdue review")
    assert escalation.to == editor.email and reviewer.public_name in escalation.subject


def test_no_reminder_while_the_article_waits_on_its_author(assigned, reviewer, author, seen):
    article = assigned.article
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    services.make_move("request_changes", article=article, by=reviewer,
                       seen_revision_id=seen(article), comment="Cite the trial.")  # fmt: skip
    start = _last_email()
    assert tasks.remind_assignments_due(today=str(assigned.due_on + timedelta(days=3))) == 0
    assert not _new(start).exists()


def test_the_queues_show_what_is_due_and_whose(client, assigned, reviewer, today):
    ReviewAssignment.objects.filter(pk=assigned.pk).update(due_on=today - timedelta(days=1))
    client.force_login(reviewer)
    html = client.get("/review/").content.decode()
    assigned_queue = html.split('id="assigned-title"')[1]
    assert "Overdue" in assigned_queue and reviewer.public_name in assigned_queue
    awaiting = html.split('id="awaiting-title"')[1].split("</section>")[0]
    assert "Overdue" in awaiting


# The editors' desk -------------------------------------------------------------------------


def test_the_editors_dashboard_shows_the_whole_desk(client, editor, assigned, reviewer, today):
    ReviewAssignment.objects.filter(pk=assigned.pk).update(due_on=today - timedelta(days=2))
    client.force_login(editor)
    html = client.get("/review/").content.decode()
    assert "The desk" in html and "By state" in html and "By reviewer" in html
    assert f"{reviewer.public_name}: 1 overdue" in html
    assert 'aria-label="1 submitted"' in html
    listed = client.get(f"/review/desk/articles/?reviewer={reviewer.pk}&due=overdue")
    assert listed.status_code == 200 and assigned.article.title in listed.content.decode()
    assert (
        client.get("/review/desk/articles/?age=0-7").content.decode().count(assigned.article.title)
        == 1
    )
    assert (
        assigned.article.title
        in client.get("/review/desk/articles/?state=submitted").content.decode()
    )
    assert client.get("/review/desk/articles/?state=nonsense").status_code == 404


def test_the_desk_counts_each_age_band_as_its_list_shows_it(make_article, author, seen, today):
    from review.desk import AGE_BANDS, desk, desk_list

    for days in (0, 3, 8, 13, 20, 45, 45):
        article = make_article(slug=f"waiting-{days}-{Article.objects.count()}")
        services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
        Article.objects.filter(pk=article.pk).update(state_changed_at=_at(today - timedelta(days)))
    counts = [tally.count for tally in desk(today=today).by_age]
    assert counts == [2, 2, 1, 2]  # under 7, 7 to 14, 14 to 30, 30 or more
    for (band, _, _), count in zip(AGE_BANDS, counts, strict=True):
        assert desk_list({"age": band}, today=today).page.paginator.count == count


def test_reviewers_and_authors_get_no_desk(client, reviewer, author, assigned):
    for person in (reviewer, author):
        client.force_login(person)
        assert "The desk" not in client.get("/review/").content.decode()
    client.force_login(author)
    assert client.get("/review/desk/articles/?state=submitted").status_code == 403


def test_the_desk_counts_in_a_fixed_number_of_queries(client, editor, make_article, author, seen):
    def dashboard_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/review/").status_code == 200
        return len(queries)

    client.force_login(editor)
    make_article(slug="one")
    first = dashboard_queries()
    for n in range(5):
        article = make_article(slug=f"more-{n}")
        services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    assert dashboard_queries() == first


# Scheduled go-live -------------------------------------------------------------------------


@pytest.fixture
def approved_then_revised(make_article, author, reviewer, seen):
    """Edition 1 is public; revision 2 is under review."""
    article = make_article()
    for name, who in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        services.make_move(
            name,
            article=article,
            by=who,
            seen_revision_id=seen(article),
            checklist=SIGNED_CHECKLIST if name == "approve" else None,
        )
    services.edit_article(article=article, by=author, seen_revision_id=seen(article),
                          title=article.title, summary=article.summary,
                          body=article.body + "\nNew dose table.", literature_current_through=None,
                          comment="Dose table")  # fmt: skip
    for name, who in (("submit", author), ("start_review", reviewer)):
        services.make_move(
            name,
            article=article,
            by=who,
            seen_revision_id=seen(article),
            checklist=SIGNED_CHECKLIST if name == "approve" else None,
        )
    article.refresh_from_db()
    return article


def test_an_approval_scheduled_for_a_day_goes_live_on_that_day_once(
    client, approved_then_revised, reviewer, seen, today
):
    article = approved_then_revised
    on = today + timedelta(days=3)
    client.force_login(reviewer)
    response = client.post(f"/review/articles/{article.slug}/approve/", {**CHECKLIST_FIELDS,
        "seen_revision_id": seen(article), "note": "Adds a dose table.", "go_live_on": on,
    })  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ReviewState.APPROVED and article.public_edition.number == 1
    client.logout()
    assert "New dose table" not in client.get(article.get_absolute_url()).content.decode()
    assert tasks.publish_scheduled(now=_at(on - timedelta(days=1)).isoformat()) == 0
    assert tasks.publish_scheduled(now=_at(on).isoformat()) == 1
    assert tasks.publish_scheduled(now=_at(on, 10).isoformat()) == 0  # once
    article.refresh_from_db()
    assert article.public_edition.number == 2 and article.public_edition.approver_name
    assert article.public_edition.approved_by == reviewer
    assert article.public_edition.change_note == "Adds a dose table."
    assert "New dose table" in client.get(article.get_absolute_url()).content.decode()
    assert article.review_events.filter(comment__startswith="Went live as scheduled").exists()


def test_the_review_page_and_dashboard_show_a_scheduled_go_live(
    client, approved_then_revised, reviewer, editor, seen, today
):
    article = approved_then_revised
    services.make_move("approve", article=article, by=reviewer, checklist=SIGNED_CHECKLIST,
                       seen_revision_id=seen(article),
                       note="Dose table.", go_live_on=today + timedelta(days=5))  # fmt: skip
    client.force_login(editor)
    page = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "Goes live on" in page and "Until then readers see edition 1" in page
    assert "Cancel the go-live" in page
    assert "Scheduled to go live (1)" in client.get("/review/").content.decode()


def test_an_editor_cancels_a_go_live_and_may_schedule_it_again(
    client, approved_then_revised, reviewer, editor, seen, today
):
    article = approved_then_revised
    on = today + timedelta(days=2)
    services.make_move("approve", article=article, by=reviewer, checklist=SIGNED_CHECKLIST,
                       seen_revision_id=seen(article),
                       note="Dose table.", go_live_on=on)  # fmt: skip
    client.force_login(reviewer)
    assert client.post(f"/review/articles/{article.slug}/go-live/cancel/").status_code == 403
    client.force_login(editor)
    assert client.post(f"/review/articles/{article.slug}/go-live/cancel/").status_code == 302
    assert tasks.publish_scheduled(now=_at(on).isoformat()) == 0
    page = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "Schedule the go-live" in page
    client.post(f"/review/articles/{article.slug}/go-live/schedule/", {"go-live-go_live_on": on})
    assert tasks.publish_scheduled(now=_at(on).isoformat()) == 1
    article.refresh_from_db()
    assert article.public_edition.number == 2


def test_a_go_live_day_must_be_after_today(client, approved_then_revised, reviewer, seen, today):
    article = approved_then_revised
    client.force_login(reviewer)
    response = client.post(f"/review/articles/{article.slug}/approve/", {**CHECKLIST_FIELDS,
        "seen_revision_id": seen(article), "note": "x", "go_live_on": today,
    })  # fmt: skip
    assert response.status_code == 400 and "Choose a day after today" in response.content.decode()


def test_a_withdrawal_after_scheduling_stops_the_go_live(
    approved_then_revised, reviewer, seen, today
):
    article = approved_then_revised
    on = today + timedelta(days=2)
    services.make_move("approve", article=article, by=reviewer, checklist=SIGNED_CHECKLIST,
                       seen_revision_id=seen(article),
                       note="Dose table.", go_live_on=on)  # fmt: skip
    services.make_move("withdraw", article=article, by=reviewer, seen_revision_id=seen(article),
                       comment="A dosing figure was wrong.")  # fmt: skip
    assert tasks.publish_scheduled(now=_at(on).isoformat()) == 0
    article.refresh_from_db()
    assert article.is_withdrawn
    assert ScheduledGoLive.objects.get().cancel_reason.startswith("The article was withdrawn")


def test_an_immediate_approval_supersedes_a_scheduled_one(
    approved_then_revised, reviewer, reviewer2, author, seen, today
):
    article = approved_then_revised
    on = today + timedelta(days=4)
    services.make_move("approve", article=article, by=reviewer, checklist=SIGNED_CHECKLIST,
                       seen_revision_id=seen(article),
                       note="Dose table.", go_live_on=on)  # fmt: skip
    services.edit_article(article=article, by=author, seen_revision_id=seen(article),
                          title=article.title, summary=article.summary,
                          body=article.body + "\nFixed.", literature_current_through=None,
                          comment="Fix")  # fmt: skip
    for name, who in (("submit", author), ("start_review", reviewer2)):
        services.make_move(
            name,
            article=article,
            by=who,
            seen_revision_id=seen(article),
            checklist=SIGNED_CHECKLIST if name == "approve" else None,
        )
    services.make_move("approve", article=article, by=reviewer2, checklist=SIGNED_CHECKLIST,
                       seen_revision_id=seen(article),
                       note="Fixed.")  # fmt: skip
    assert tasks.publish_scheduled(now=_at(on).isoformat()) == 0
    article.refresh_from_db()
    assert article.public_edition.change_note == "Fixed."


# Scheduled re-review ------------------------------------------------------------------------


@pytest.fixture
def approved(make_article, author, reviewer, admin_user, seen):
    article = make_article(slug="approved")
    for name, who in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        services.make_move(
            name,
            article=article,
            by=who,
            seen_revision_id=seen(article),
            checklist=SIGNED_CHECKLIST if name == "approve" else None,
        )
    return Article.objects.get(pk=article.pk)


def test_a_scheduled_re_review_puts_the_article_in_the_queue_on_its_day(
    client, approved, editor, reviewer, reviewer2, admin_user, today
):
    services.assign_reviewer(article=approved, reviewer=reviewer2, by=admin_user)
    on = today + timedelta(days=30)
    client.force_login(editor)
    response = client.post(f"/review/articles/{approved.slug}/re-review/", {
        "re-review-due_on": on, "re-review-reason": "New trial results expected.",
    })  # fmt: skip
    assert response.status_code == 302
    assert (
        "Scheduled re-review" in client.get(f"/review/articles/{approved.slug}/").content.decode()
    )
    start = _last_email()
    assert tasks.start_re_reviews(today=str(on - timedelta(days=1))) == 0
    assert tasks.start_re_reviews(today=str(on)) == 1
    assert tasks.start_re_reviews(today=str(on)) == 0
    approved.refresh_from_db()
    assert approved.is_due_for_review and "New trial results" in approved.review_due_reason
    # The assigned reviewer is told, once.
    assert list(_new(start).values_list("to", flat=True)) == [reviewer2.email]
    client.force_login(reviewer)
    assert approved.title in client.get("/review/due/").content.decode()


def test_only_editors_schedule_re_reviews(client, approved, reviewer, today):
    client.force_login(reviewer)
    response = client.post(f"/review/articles/{approved.slug}/re-review/",
                           {"re-review-due_on": today + timedelta(days=3)})  # fmt: skip
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        schedule.schedule_re_review(article=approved, by=reviewer, due_on=today)


def test_a_re_review_needs_an_approved_article_and_a_later_day(submitted, editor, approved, today):
    with pytest.raises(InvalidTransition, match="approved article"):
        schedule.schedule_re_review(article=submitted, by=editor, due_on=today + timedelta(days=1))
    with pytest.raises(InvalidTransition, match="after today"):
        schedule.schedule_re_review(article=approved, by=editor, due_on=today)


def test_a_resubmission_gives_the_reviewer_their_time_again(
    assigned, reviewer, author, seen, today
):
    article = assigned.article
    ReviewAssignment.objects.filter(pk=assigned.pk).update(due_on=today - timedelta(days=3))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    services.make_move("request_changes", article=article, by=reviewer,
                       seen_revision_id=seen(article), comment="Cite the trial.")  # fmt: skip
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    assigned.refresh_from_db()
    assert assigned.due_on == today + timedelta(days=14)


def test_confirm_still_current_waits_for_a_scheduled_go_live(
    approved_then_revised, reviewer, reviewer2, seen, today
):
    article = approved_then_revised
    services.make_move("approve", article=article, by=reviewer, checklist=SIGNED_CHECKLIST,
                       seen_revision_id=seen(article),
                       note="Dose table.", go_live_on=today + timedelta(days=2))  # fmt: skip
    with pytest.raises(InvalidTransition, match="A newer approval goes live on"):
        services.make_move("confirm_current", article=article, by=reviewer2,
                           seen_revision_id=seen(article))  # fmt: skip


def test_the_admin_lists_the_schedule_and_invitations_read_only(client, admin_user):
    client.force_login(admin_user)
    for model in ("specialistinvitation", "scheduledgolive", "scheduledrereview"):
        assert client.get(f"/admin/review/{model}/").status_code == 200
        assert client.get(f"/admin/review/{model}/add/").status_code == 403


def test_a_provisional_page_never_says_approved_while_the_approval_waits_to_go_live(
    client, public_article, reviewer, seen, today
):
    article = public_article
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    services.make_move("approve", article=article, by=reviewer, checklist=SIGNED_CHECKLIST,
                       seen_revision_id=seen(article),
                       go_live_on=today + timedelta(days=1))  # fmt: skip
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'aria-current="step">Under Review<', html)
    tasks.publish_scheduled(now=_at(today + timedelta(days=1)).isoformat())
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'aria-current="step">Approved<', html)


def test_without_editors_the_admins_hear_of_an_overdue_review(submitted, reviewer, admin_user):
    services.assign_reviewer(article=submitted, reviewer=reviewer, by=admin_user)
    due = ReviewAssignment.objects.get(article=submitted).due_on
    start = _last_email()
    assert tasks.remind_assignments_due(today=str(due + timedelta(days=1))) == 1
    assert _new(start).get().to == admin_user.email
