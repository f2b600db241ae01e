"""A reviewer who declared a conflict of interest on an article's topic may not approve it
(tests/review/test_recusal.py: nor take any other part in its review)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ReviewState, Topic
from articles.selectors import latest_revision_id
from review import services
from review.errors import NotAllowed
from review.workflow import MOVES, refusal
from tests.contributor_factories import DisclosureFactory, fresh_profile
from tests.factories import CHECKLIST_FIELDS, SIGNED_CHECKLIST

REFUSAL = (
    "You declared a conflict of interest on Lung cancer (disclosure of March 3, 2025), "
    "so you take no part in its review: another reviewer must."
)


@pytest.fixture
def lung_cancer(db):
    return Topic.objects.create(name="Lung cancer", slug="lung-cancer")


@pytest.fixture
def under_review(make_article, author, reviewer2, seen, lung_cancer):
    article = make_article()
    article.topics.add(lung_cancer, Topic.objects.create(name="Oncology", slug="oncology"))
    for name, user in (("submit", author), ("start_review", reviewer2)):
        services.make_move(
            name,
            article=article,
            by=user,
            seen_revision_id=seen(article),
            checklist=SIGNED_CHECKLIST,
        )
    return article


@pytest.fixture
def conflicted(reviewer, lung_cancer):
    """`reviewer`, whose disclosure in force declares a conflict on lung cancer."""
    profile = fresh_profile(reviewer)
    DisclosureFactory(
        contributor=profile, declared_on=date(2025, 3, 3), conflict_topics=[lung_cancer]
    )
    return reviewer


def _approve(client, article):
    return client.post(
        f"/review/articles/{article.slug}/approve/",
        {
            "seen_revision_id": latest_revision_id(article),
            "comment": "",
            "note": "",
            **CHECKLIST_FIELDS,
        },
    )


def test_approve_refuses_a_reviewer_who_declared_a_conflict_on_a_topic(
    conflicted, under_review, seen
):
    with pytest.raises(NotAllowed) as refused:
        services.make_move(
            "approve",
            article=under_review,
            by=conflicted,
            seen_revision_id=seen(under_review),
            checklist=SIGNED_CHECKLIST,
        )
    assert refused.value.message == REFUSAL
    assert Article.objects.get(pk=under_review.pk).state == ReviewState.UNDER_REVIEW


def test_over_http_the_conflict_is_a_403_with_the_reason_and_another_reviewer_approves(
    client, conflicted, reviewer2, under_review
):
    client.force_login(conflicted)
    response = _approve(client, under_review)
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert Article.objects.get(pk=under_review.pk).state == ReviewState.UNDER_REVIEW

    client.force_login(reviewer2)
    assert _approve(client, under_review).status_code == 302
    article = Article.objects.get(pk=under_review.pk)
    assert article.state == ReviewState.APPROVED and article.approved_by == reviewer2


def test_the_review_page_shows_approve_disabled_with_the_reason(client, conflicted, under_review):
    client.force_login(conflicted)
    html = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    assert '<button type="submit" disabled aria-describedby="why-approve">Approve</button>' in html
    assert REFUSAL in html


def test_a_conflict_on_another_topic_does_not_refuse(reviewer, under_review):
    profile = fresh_profile(reviewer)
    DisclosureFactory(
        contributor=profile, conflict_topics=[Topic.objects.create(name="Cardiology", slug="c")]
    )
    assert refusal(MOVES["approve"], article=under_review, user=reviewer) is None


def test_a_newer_disclosure_that_leaves_the_topic_out_withdraws_the_conflict(
    conflicted, under_review, seen
):
    DisclosureFactory(
        contributor=conflicted.contributor_profile,
        declared_on=timezone.localdate(),
        none_to_declare=True,
        statement="",
    )
    services.make_move(
        "approve",
        article=under_review,
        by=conflicted,
        seen_revision_id=seen(under_review),
        checklist=SIGNED_CHECKLIST,
    )
    assert Article.objects.get(pk=under_review.pk).approved_by == conflicted


def test_an_overdue_disclosure_still_binds_its_conflicts(conflicted, lung_cancer, under_review):
    # Declared long ago and never renewed: the conflict stands until a newer disclosure says not.
    disclosure = conflicted.contributor_profile.disclosures.get()
    disclosure.declared_on = timezone.localdate() - timedelta(days=800)
    disclosure.save()
    found = refusal(MOVES["approve"], article=under_review, user=conflicted)
    assert found is not None and "conflict of interest on Lung cancer" in found.message


def test_a_hidden_profile_does_not_hide_the_conflict(conflicted, under_review):
    profile = conflicted.contributor_profile
    profile.is_public = False
    profile.save()
    assert refusal(MOVES["approve"], article=under_review, user=conflicted) is not None


def test_the_editorial_policy_explains_the_rule(client, db):
    html = client.get("/editorial-policy/").content.decode()
    assert "declared no conflict of interest on its topics" in html
