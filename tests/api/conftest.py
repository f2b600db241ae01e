"""Builders for the API's tests: approved, pending and withdrawn articles, made by the review
services as the board would, and reader roles."""

import pytest

from articles.models import Article, Topic
from articles.selectors import latest_revision_id
from personalization.models import Audience, ReaderRole
from personalization.services import save_variant
from review.services import edit_article, make_move
from tests.factories import SIGNED_CHECKLIST


@pytest.fixture
def roles(db):
    patient = ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8, order=1
    )
    caregiver = ReaderRole.objects.create(
        slug="caregiver", label="Caregiver", audience=Audience.LAY, target_grade=8, order=2,
        fallback=patient,
    )  # fmt: skip
    physician = ReaderRole.objects.create(
        slug="physician", label="Physician", audience=Audience.PROFESSIONAL, target_grade=16,
        order=5,
    )  # fmt: skip
    return {role.slug: role for role in (patient, caregiver, physician)}


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Lung cancer", slug="lung-cancer")


@pytest.fixture
def other_topic(db):
    return Topic.objects.create(name="Heart failure", slug="heart-failure")


@pytest.fixture
def approve(author, reviewer, professional_disclaimer):
    """Take an article through review to a new approved edition, as the board does."""

    def approve(article: Article, note: str = "") -> Article:
        seen = latest_revision_id
        if article.state in ("draft", "changes_requested", "withdrawn"):
            make_move("submit", article=article, by=author, seen_revision_id=seen(article))
        make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
        make_move(
            "approve",
            article=article,
            by=reviewer,
            seen_revision_id=seen(article),
            note=note,
            checklist=SIGNED_CHECKLIST,
        )
        article.refresh_from_db()
        return article

    return approve


@pytest.fixture
def revise(author):
    def revise(article: Article, body: str) -> Article:
        edit_article(
            article=article, by=author, seen_revision_id=latest_revision_id(article),
            title=article.title, summary=article.summary, body=body,
            literature_current_through=None, comment="Revised",
        )  # fmt: skip
        article.refresh_from_db()
        return article

    return revise


@pytest.fixture
def withdraw(reviewer):
    def withdraw(article: Article, reason: str = "A trial it relied on was retracted.") -> Article:
        make_move(
            "withdraw", article=article, by=reviewer,
            seen_revision_id=latest_revision_id(article), comment=reason,
        )  # fmt: skip
        article.refresh_from_db()
        return article

    return withdraw


@pytest.fixture
def published(make_article, approve, topic, roles, author):
    """An approved article on a topic, with a patient version (caregivers fall back to it)."""
    article = make_article(
        slug="first-line-nsclc", title="What is first-line treatment?", summary="A doublet."
    )
    article.topics.add(topic)
    save_variant(
        article=article, role=roles["patient"], summary="Two drugs together.",
        body="## In short\n\nTwo drugs, one with platinum.[@nccn-2024]\n", by=author,
        comment="Patient version",
    )  # fmt: skip
    return approve(article)


@pytest.fixture
def pending(make_article, make_reference, author, professional_disclaimer, publish_provisionally):
    """Submitted, never approved, published provisionally: readers may see it with a caution;
    the API must not."""
    make_reference("draft-only-trial", title="A trial only a draft cites")
    article = make_article(
        slug="awaiting-review", title="Pending question?",
        body="## Answer\n\nNot yet reviewed.[@draft-only-trial]\n",
    )  # fmt: skip
    make_move("submit", article=article, by=author, seen_revision_id=latest_revision_id(article))
    return publish_provisionally(article)


@pytest.fixture
def withdrawn(make_article, approve, withdraw, topic):
    article = make_article(slug="withdrawn-one", title="Withdrawn question?")
    article.topics.add(topic)
    return withdraw(approve(article))
