"""Fixtures shared by the whole suite: users in their groups, and articles built by services."""

import pytest
from django.contrib.auth.models import Group

from articles.models import Article, Disclaimer, Reference
from articles.selectors import latest_revision_id
from articles.services import save_article, save_reference
from config.celery import app as celery_app
from review.workflow import ADMINS, AUTHORS, REVIEWERS
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (see tests/review/test_worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _member(group_name: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return user


@pytest.fixture
def author(db):
    return _member(AUTHORS, username="author", display_name="Sam Carter")


@pytest.fixture
def reviewer(db):
    return _member(
        REVIEWERS, username="reviewer", display_name="Dr. Ana Reyes", credentials="MD, Oncology"
    )


@pytest.fixture
def reviewer2(db):
    return _member(REVIEWERS, username="reviewer2", display_name="Dr. Tomas Lind")


@pytest.fixture
def admin_user(db):
    return _member(ADMINS, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def make_reference(author):
    def make(key: str = "nccn-2024", **fields) -> Reference:
        existing = Reference.objects.filter(key=key).first()
        if existing is not None:
            return existing
        fields.setdefault("title", f"Reference {key}")
        fields.setdefault("source", "Journal of Examples")
        fields.setdefault("year", 2024)
        return save_reference(reference=Reference(key=key, **fields), by=author, comment="Added")

    return make


@pytest.fixture
def make_article(author, make_reference):
    def make(slug: str = "an-article", body: str | None = None, by=None, **fields) -> Article:
        if body is None:
            make_reference("nccn-2024")
            body = "## Answer\n\nPlatinum doublet first.[@nccn-2024]\n"
        article = Article(
            slug=slug, title=fields.pop("title", "What is the answer?"), body=body, **fields
        )
        return save_article(article=article, by=by or author, comment="Created")

    return make


@pytest.fixture
def professional_disclaimer(db):
    return Disclaimer.objects.create(
        audience=Disclaimer.Audience.PROFESSIONAL,
        title="Professional medical disclaimer",
        body="For health professionals. Verify against primary literature.",
    )


@pytest.fixture
def seen():
    """The revision id a person looking at the article now would have seen."""
    return latest_revision_id
