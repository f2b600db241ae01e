"""Builders for the question tests: a public article, readers' posts, questions made by service."""

import time

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article
from articles.selectors import latest_revision_id
from outbox.models import Email
from questions import services
from questions.forms import started_token
from review.services import make_move
from review.workflow import AUTHORS
from tests.factories import UserFactory


@pytest.fixture
def article(make_article, author, publish_provisionally) -> Article:
    """An article readers can open: submitted and published provisionally, so shown with the
    pending-review caution."""
    article = make_article(slug="her2-exon-20", title="What is first-line for HER2 exon 20?")
    make_move("submit", article=article, by=author, seen_revision_id=latest_revision_id(article))
    publish_provisionally(article)
    # Publishing it told its author; these tests count only the mail that questions cause.
    Email.objects.filter(status=Email.Status.QUEUED).update(
        status=Email.Status.SENT, sent_at=timezone.now()
    )
    return article


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


def _author(**fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=AUTHORS)[0])
    return user


@pytest.fixture
def other_author(db):
    """A second writer, neither reviewer nor admin: others' drafts stay hidden from them."""
    return _author(username="other-author", display_name="Lee Park")


@pytest.fixture
def inactive_author(db):
    return _author(username="former-author", display_name="Former Writer", is_active=False)


def form_data(**overrides) -> dict:
    """What a person's browser sends: started a minute ago, trap empty, consent ticked."""
    data = {
        "question": "Is zongertinib used before chemotherapy for HER2 exon 20?",
        "name": "",
        "email": "",
        "role": "patient",
        "consent": "on",
        "website": "",
        "started": started_token(at=time.time() - 60),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def ask():
    """POST a question to an article's intake, as a browser would."""

    def post(client, article, **overrides):
        return client.post(f"/articles/{article.slug}/questions/", form_data(**overrides))

    return post


@pytest.fixture
def make_question(article):
    def make(text="Is zongertinib used before chemotherapy?", **fields):
        fields.setdefault("name", "")
        fields.setdefault("email", "")
        fields.setdefault("reader_role", "patient")
        return services.receive_question(
            article=fields.pop("article", article), text=text, consent=True, **fields
        )

    return make
