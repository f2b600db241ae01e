from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from articles.selectors import latest_revision_id
from outbox.models import Email
from review import services
from review.models import Notification, ReviewEvent
from review.tasks import remind_reviewers


@pytest.fixture
def waiting(make_article, author, reviewer, reviewer2):
    article = make_article()
    services.make_move(
        "submit", article=article, by=author, seen_revision_id=latest_revision_id(article)
    )
    return article


def _age(article, days):
    then = timezone.now() - timedelta(days=days)
    Article.objects.filter(pk=article.pk).update(state_changed_at=then)  # test setup: time passed
    ReviewEvent.objects.filter(article=article).update(  # test setup: pretend time has passed
        created_at=then
    )


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminder task as a worker would: its e-mails go once its writes commit."""

    def run(days):
        with django_capture_on_commit_callbacks(execute=True):
            return remind_reviewers(days=days)

    return run


def test_reviewers_are_reminded_once_of_an_article_waiting_too_long(waiting, remind, reviewer,
                                                                    reviewer2):  # fmt: skip
    _age(waiting, days=5)
    mail.outbox.clear()
    assert remind(days=3) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer.email, reviewer2.email])
    assert "Still waiting for review" in mail.outbox[0].subject
    reminders = Email.objects.filter(notification__kind="reminder")
    assert set(reminders.values_list("status", flat=True)) == {"sent"}
    mail.outbox.clear()
    assert remind(days=3) == 0  # safe to run every day
    assert mail.outbox == []


def test_no_reminder_before_the_limit(waiting, remind):
    _age(waiting, days=1)
    assert remind(days=3) == 0
    assert not Notification.objects.filter(kind="reminder").exists()


def test_only_the_assigned_reviewer_is_reminded(waiting, remind, reviewer, reviewer2):
    services.assign_reviewer(article=waiting, reviewer=reviewer2, by=reviewer)
    _age(waiting, days=10)
    mail.outbox.clear()
    assert remind(days=3) == 1
    assert [m.to for m in mail.outbox] == [[reviewer2.email]]


def test_a_new_stay_in_review_gets_a_new_reminder(waiting, remind, reviewer):
    _age(waiting, days=5)
    remind(days=3)
    services.make_move(
        "start_review", article=waiting, by=reviewer, seen_revision_id=latest_revision_id(waiting)
    )
    _age(waiting, days=5)
    mail.outbox.clear()
    assert remind(days=3) == 1
    assert [m.to for m in mail.outbox] == [[reviewer.email]]  # the reviewer who took it


def test_a_spanish_reviewers_reminder_names_the_state_in_spanish(waiting, remind, reviewer2):
    reviewer2.preferred_language = "es"
    reviewer2.save(update_fields=["preferred_language"])
    _age(waiting, days=5)
    mail.outbox.clear()
    remind(days=3)
    [spanish] = [m for m in mail.outbox if m.to == [reviewer2.email]]
    assert "en estado «enviado»" in spanish.body  # not the model's English "submitted"
