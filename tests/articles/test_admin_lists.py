"""The admin's long lists hold at size: searches read short fields only, no second count of the
whole table, and a page's query count does not grow with its rows."""

import pytest
from django.contrib import admin as django_admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Reference
from review import services
from review.models import Notification, ReviewEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_article_search_reads_titles_and_addresses_not_bodies(admin, make_article):
    make_article(
        slug="kras-g12c-second-line",
        title="What follows platinum for KRAS G12C?",
        body="## Answer\n\nSotorasib is an option; zyzzogeton appears only here.\n",
    )
    found = admin.get("/admin/articles/article/", {"q": "zyzzogeton"})
    assert found.status_code == 200
    assert "What follows platinum for KRAS G12C?" not in found.content.decode()
    for query in ("KRAS G12C", "kras-g12c-second"):
        html = admin.get("/admin/articles/article/", {"q": query}).content.decode()
        assert "What follows platinum for KRAS G12C?" in html


def test_references_are_searched_by_key_title_doi_and_pmid(admin, make_reference):
    make_reference("keynote-189", title="Pembrolizumab plus chemotherapy", doi="10.1056/x189",
                   pmid="29658856", authors="Gandhi L")  # fmt: skip
    for query in ("keynote-189", "Pembrolizumab", "10.1056/x189", "29658856"):
        html = admin.get("/admin/articles/reference/", {"q": query}).content.decode()
        assert "Pembrolizumab plus chemotherapy" in html, query
    html = admin.get("/admin/articles/reference/", {"q": "Gandhi"}).content.decode()
    assert "Pembrolizumab plus chemotherapy" not in html


@pytest.mark.parametrize("model", [Article, ReviewEvent, Reference, Notification])
def test_long_changelists_do_not_count_the_whole_table_twice(model):
    model_admin = django_admin.site._registry[model]
    assert model_admin.show_full_result_count is False
    assert model_admin.list_per_page <= 100


def test_the_review_event_search_skips_comments(admin, public_article, reviewer):
    services.add_comment(article=public_article, by=reviewer, body="zyzzogeton in a comment")
    html = admin.get("/admin/review/reviewevent/", {"q": "zyzzogeton"}).content.decode()
    assert 'id="result_list"' not in html  # no rows
    html = admin.get("/admin/review/reviewevent/", {"q": public_article.slug}).content.decode()
    rows = html.split('id="result_list"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    assert rows.count("<tr") == 3  # the submission, its provisional publication, the comment


def _queries(admin, url: str, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(25), CaptureQueriesContext(connection) as captured:
        response = admin.get(url)
    assert response.status_code == 200
    return len(captured)


def test_changelist_queries_do_not_grow_with_rows(
    admin, make_article, author, reviewer, django_assert_max_num_queries
):
    urls = ["/admin/articles/article/", "/admin/review/reviewevent/"]

    def more(start: int, count: int) -> None:
        for number in range(start, start + count):
            article = make_article(slug=f"listed-{number}", title=f"Listed question {number}?")
            services.add_comment(article=article, by=reviewer, body="Looked at it.")

    more(0, 2)
    few = [_queries(admin, url, django_assert_max_num_queries) for url in urls]
    more(2, 10)
    many = [_queries(admin, url, django_assert_max_num_queries) for url in urls]
    assert many == few
    assert "Listed question 11?" in admin.get(urls[0]).content.decode()
