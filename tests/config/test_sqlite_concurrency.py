"""The embedded default (SQLite) survives concurrent review moves: one wins, the rest are refused.

SQLite locks the whole file, so this needs a database in a file shared by several connections,
not the suite's in-memory one: the fixture copies the migrated test database into a file and
points the default connection of every thread at it for one test.
"""

import sqlite3

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError, connection, connections

from articles.models import Article, Reference, ReviewState
from articles.selectors import latest_revision_id
from articles.services import save_article, save_reference
from review import services
from review.models import ReviewEvent
from review.workflow import AUTHORS, REVIEWERS
from tests.contributor_factories import with_disclosure
from tests.factories import SIGNED_CHECKLIST, UserFactory
from tests.races import race

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite settings; PostgreSQL has its own race tests"
)


@pytest.fixture
def file_database(tmp_path, transactional_db):
    memory = connections["default"]
    memory.ensure_connection()
    assert memory.is_in_memory_db()
    copy = sqlite3.connect(tmp_path / "race.sqlite3")
    memory.connection.backup(copy)  # the migrated schema; a transactional test starts empty
    copy.close()
    in_memory_settings = connections.settings["default"]
    connections.settings["default"] = {**in_memory_settings, "NAME": str(tmp_path / "race.sqlite3")}
    del connections["default"]  # every thread, this one too, now opens the file
    try:
        yield
    finally:
        connections.close_all()
        connections.settings["default"] = in_memory_settings
        connections["default"] = memory


def _approve(**kwargs) -> ReviewEvent:
    return services.make_move("approve", **kwargs, checklist=SIGNED_CHECKLIST)


def _member(username: str, group: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return with_disclosure(user) if group == REVIEWERS else user


def test_concurrent_approvals_on_sqlite_give_one_winner_and_clean_refusals(file_database):
    author = _member("author", AUTHORS)
    reviewers = [_member(f"board{i}", REVIEWERS) for i in range(8)]
    save_reference(
        reference=Reference(key="nccn-2024", title="Guideline", source="Journal", year=2024),
        by=author,
        comment="Added",
    )
    article = save_article(
        article=Article(
            slug="raced",
            title="What is raced?",
            summary="Yes.",
            body="## Answer\n\nYes.[@nccn-2024]\n",
        ),
        by=author,
        comment="Created",
    )
    services.make_move(
        "submit", article=article, by=author, seen_revision_id=latest_revision_id(article)
    )
    services.make_move(
        "start_review",
        article=article,
        by=reviewers[0],
        seen_revision_id=latest_revision_id(article),
    )
    seen = latest_revision_id(article)

    results = race(
        8,
        lambda i: _approve(
            article=Article.objects.get(pk=article.pk),
            by=reviewers[i],
            seen_revision_id=seen,
            comment="Approved",
        ),
    )

    assert not [r for r in results if isinstance(r, OperationalError)], results
    assert sum(isinstance(r, ReviewEvent) for r in results) == 1, results
    assert sum(isinstance(r, services.WorkflowError) for r in results) == 7, results
    assert Article.objects.get(pk=article.pk).state == ReviewState.APPROVED
    assert ReviewEvent.objects.filter(action="approve").count() == 1
