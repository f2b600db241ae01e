"""A reader who arrives between a change's save and its commit must not leave a stale page.

The reader runs in a second thread (its own database connection), so it reads the last
committed rows while the change is saved but not yet committed, exactly as another gunicorn
worker would. Only PostgreSQL lets it: SQLite's in-memory test database locks the table.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connections, transaction
from django.test import Client

from articles.models import Article, Disclaimer
from articles.selectors import latest_revision_id
from personalization.models import ReaderRole
from publishing.services import change_surroundings
from review.services import make_move
from tests.factories import SIGNED_CHECKLIST

# A second connection reading before the commit: SQLite's in-memory test database cannot.
pytestmark = pytest.mark.needs_postgres


def _read_in_another_connection(url: str) -> tuple[int, str]:
    """GET url from a second thread, as an anonymous reader would; wait for the answer."""
    answers: list = []

    def read() -> None:
        try:
            response = Client().get(url)
            answers.append((response.status_code, response.content.decode()))
        except Exception as exc:
            answers.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(30)
    if isinstance(answers[0], Exception):
        raise answers[0]
    return answers[0]


def _change_with_a_reader_in_between(change: Callable[[], None], url: str) -> tuple[int, str]:
    """Run change() in a transaction; before it commits, a reader reads url (its answer)."""
    with transaction.atomic():
        change()
        return _read_in_another_connection(url)


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings) -> str:
    """Each test runs on both backends production and development use (Redis when the run is
    configured with one: the PostgreSQL pass of .ci/run)."""
    if request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    elif "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("no Redis cache configured (CACHE_URL)")
    return request.param


@pytest.fixture
def public_article(
    transactional_db, cache_backend, make_article, professional_disclaimer, author, reviewer
) -> Article:
    """An article the board has approved."""
    article = make_article()
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    return article


def test_a_reader_before_the_withdrawal_commits_leaves_no_stale_page(public_article, reviewer):
    url = public_article.get_absolute_url()
    assert Client().get(url).status_code == 200  # the page is cached

    def withdraw() -> None:
        make_move(
            "withdraw", article=public_article, by=reviewer,
            seen_revision_id=latest_revision_id(public_article), comment="Unsafe dose",
        )  # fmt: skip

    status, _ = _change_with_a_reader_in_between(withdraw, url)

    assert status == 200  # the reader in between saw the committed, approved article...
    after = Client().get(url)
    assert after.status_code == 410  # ...and left nothing behind that outlives the commit
    assert "Platinum doublet first." not in after.content.decode()


def test_a_reader_before_a_disclaimer_edit_commits_leaves_no_stale_page(public_article):
    url = public_article.get_absolute_url()
    Client().get(url)

    def edit() -> None:
        disclaimer = Disclaimer.objects.get(audience=Disclaimer.Audience.PROFESSIONAL)
        disclaimer.body = "A corrected disclaimer."
        disclaimer.save()
        change_surroundings("professional", by=None)  # as the disclaimer's admin page does

    _, html = _change_with_a_reader_in_between(edit, url)

    assert "A corrected disclaimer." not in html
    assert "A corrected disclaimer." in Client().get(url).content.decode()


def test_a_reader_before_a_role_edit_commits_leaves_no_stale_role_list(public_article):
    ReaderRole.objects.create(slug="patient", label="Patient", audience="lay", target_grade=8)
    url = public_article.get_absolute_url()
    Client().get(url)

    def rename() -> None:
        role = ReaderRole.objects.get(slug="patient")
        role.label = "Person living with cancer"
        role.save()
        change_surroundings("roles", by=None)  # as the reader role's admin page does

    _, html = _change_with_a_reader_in_between(rename, url)

    assert "Person living with cancer" not in html
    assert "Person living with cancer" in Client().get(url).content.decode()
