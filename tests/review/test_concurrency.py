"""Races that only a real database shows: these run on PostgreSQL (row locks) in CI."""

import pytest
from django.contrib.auth.models import Group
from reversion.models import Revision

from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from review import services
from review.models import Notification, ReviewEvent
from tests.contributor_factories import with_disclosure
from tests.factories import CHECKLIST_FIELDS, SIGNED_CHECKLIST, UserFactory
from tests.races import race

pytestmark = pytest.mark.needs_postgres  # real row locks


@pytest.fixture
def article_under_review(transactional_db, make_article, author, reviewer):
    article = make_article()
    services.make_move(
        "submit", article=article, by=author, seen_revision_id=latest_revision_id(article)
    )
    services.make_move(
        "start_review", article=article, by=reviewer, seen_revision_id=latest_revision_id(article)
    )
    return article


def test_concurrent_approvals_give_exactly_one(article_under_review, author):
    group = Group.objects.get(name="Reviewers")
    reviewers = [UserFactory(username=f"board{i}") for i in range(8)]
    for user in reviewers:
        user.groups.add(group)
        with_disclosure(user)  # a board member who may approve
    seen = latest_revision_id(article_under_review)
    revisions_before = Revision.objects.count()
    notifications_before = Notification.objects.count()

    results = race(
        8,
        lambda i: services.make_move(
            "approve",
            article=Article.objects.get(pk=article_under_review.pk),
            by=reviewers[i],
            seen_revision_id=seen,
            comment="Approved",
            checklist=SIGNED_CHECKLIST,
        ),
    )

    successes = [r for r in results if isinstance(r, ReviewEvent)]
    refusals = [r for r in results if isinstance(r, services.StaleRevision)]
    assert len(successes) == 1, results
    assert len(refusals) == 7, results  # each acted on a page that went stale: 409
    article = Article.objects.get(pk=article_under_review.pk)
    assert article.state == ReviewState.APPROVED
    assert article.live_revision_id == seen
    assert ReviewEvent.objects.filter(action="approve").count() == 1
    assert Revision.objects.count() == revisions_before + 1
    assert Notification.objects.count() == notifications_before + 1  # the author, once
    assert Notification.objects.latest("pk").recipient == author


def test_concurrent_edits_keep_one_and_refuse_the_other(transactional_db, make_article, author):
    article = make_article()
    seen = latest_revision_id(article)
    results = race(
        2,
        lambda i: services.edit_article(
            article=Article.objects.get(pk=article.pk),
            by=author,
            seen_revision_id=seen,
            title=f"Edit {i}",
            summary="",
            body=article.body,
            literature_current_through=None,
            comment=f"edit {i}",
        ),
    )
    assert sum(isinstance(r, ReviewEvent) for r in results) == 1, results
    assert sum(isinstance(r, services.StaleRevision) for r in results) == 1, results
    winner = next(r for r in results if isinstance(r, ReviewEvent))
    assert Article.objects.get(pk=article.pk).title == f"Edit {winner.comment[-1]}"


def test_concurrent_approve_clicks_over_http_never_answer_500(article_under_review):
    from django.test import Client

    group = Group.objects.get(name="Reviewers")
    reviewers = [UserFactory(username=f"clicker{i}") for i in range(6)]
    for user in reviewers:
        user.groups.add(group)
        with_disclosure(user)  # a board member who may approve
    seen = latest_revision_id(article_under_review)
    url = f"/review/articles/{article_under_review.slug}/approve/"

    def click(i: int) -> int:
        client = Client()
        client.force_login(reviewers[i])
        data = {"seen_revision_id": seen, "comment": "", **CHECKLIST_FIELDS}
        return client.post(url, data).status_code

    statuses = race(6, click)
    assert all(isinstance(s, int) for s in statuses), statuses
    assert statuses.count(302) == 1, statuses
    assert set(statuses) == {302, 409}, statuses
    assert ReviewEvent.objects.filter(action="approve").count() == 1
