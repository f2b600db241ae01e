"""The review-due export: every due article, longest due first, one row each with what the board
needs at its meeting; on PostgreSQL written by COPY, byte for byte the file the rows written here
make (review.due_views)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from articles.models import Article
from review.due_views import csv_copied, csv_written, due_articles
from tests.translation_fixtures import approve, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(make_article, author, reviewer, professional_disclaimer):
    """Three approved articles due for review, the second-longest due with a title a CSV must
    quote, each by an author named another way: a display name, a full name, a username."""
    full_name = User.objects.create_user("lee", first_name="Kim", last_name="Lee")
    username_only = User.objects.create_user("anon-author")
    now = timezone.now()
    articles = []
    for n, (title, by) in enumerate([
        ("Is the first due?", author),
        ('Does "quoted", with a comma, survive?', full_name),
        ("Is the third due?", username_only),
    ]):  # fmt: skip
        article = make_article(slug=f"due-{n}", title=title)
        submit(article, by=author)
        approve(article, by=reviewer)
        Article.objects.filter(pk=article.pk).update(
            author=by, review_due_since=now - timedelta(days=30 - n),
            review_due_reason="" if n == 2 else "Scheduled review",
        )  # fmt: skip
        articles.append(article)
    return articles


def test_the_export_lists_every_due_article_longest_due_first(client, reviewer, due, author):
    client.force_login(reviewer)
    response = client.get("/review/due/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["slug", "title", "author", "last reviewed", "review due", "days overdue",
                       "reason"]  # fmt: skip
    assert [row[:3] for row in rows[1:]] == [
        ["due-0", "Is the first due?", author.public_name],
        ["due-1", 'Does "quoted", with a comma, survive?', "Kim Lee"],
        ["due-2", "Is the third due?", "anon-author"],
    ]
    edition = Article.objects.get(slug="due-0").public_edition
    today = timezone.localdate()
    assert rows[1][3:] == [
        str(timezone.localdate(edition.published_at)), str(edition.next_review_due),
        str((today - edition.next_review_due).days), "Scheduled review",
    ]  # fmt: skip
    assert rows[3][6] == ""


@pytest.mark.needs_postgres
def test_postgresqls_copy_writes_the_same_file_as_the_rows_written_here(due):
    today = timezone.localdate()
    copied = b"".join(csv_copied(due_articles(), today))
    assert copied.count(b"\n") == 3
    assert copied == b"".join(csv_written(due_articles(), today))
