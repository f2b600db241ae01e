"""The question queue at size: an article filter that is typed, not a list of every article;
pages with counts that keep the filters; the same queries however many questions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions import queue_views

QUEUE = "/review/questions/"


@pytest.fixture
def other(make_article, author, seen):
    from review.services import make_move

    article = make_article(slug="pembrolizumab-dosing", title="How is pembrolizumab dosed?")
    make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


def test_the_article_filter_is_a_labelled_text_field_not_a_list_of_articles(
    client, make_question, other, reviewer
):
    make_question("Question here?")
    client.force_login(reviewer)
    html = client.get(QUEUE).content.decode()
    assert '<select name="article"' not in html and html.count('name="article"') == 1
    field = re.search(r'<input type="search" name="article"[^>]*id="(id_article)"', html)
    assert field is not None
    assert '<label for="id_article">Article (its address, or words from its title)</label>' in html


@pytest.mark.parametrize(
    "typed",
    [
        "pembrolizumab-dosing",
        "http://testserver/articles/pembrolizumab-dosing/",
        "/articles/pembrolizumab-dosing/?role=patient",
        "pembrolizumab DOSED",
        "  dosed  ",
    ],
)
def test_the_queue_filters_by_an_articles_address_or_title_words(
    client, make_question, other, reviewer, typed
):
    here = make_question("A question on the HER2 article?")
    there = make_question("A question on dosing?", article=other)
    client.force_login(reviewer)
    response = client.get(QUEUE, {"article": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert there.text in html and here.text not in html
    assert "of 1 on articles matching" in html


def test_every_title_word_must_match_and_nothing_found_says_so(
    client, make_question, other, reviewer
):
    make_question("A question on the HER2 article?")
    make_question("A question on dosing?", article=other)
    client.force_login(reviewer)
    html = client.get(QUEUE, {"article": "pembrolizumab HER2"}).content.decode()
    assert "A question on" not in html
    assert "No questions match on articles matching “pembrolizumab HER2”." in html
    both = client.get(QUEUE, {"article": "first-line"}).content.decode()  # HER2's title
    assert "A question on the HER2 article?" in both


def test_pages_show_counts_and_keep_the_filters(client, make_question, reviewer, monkeypatch):
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 3)
    for number in range(7):
        make_question(f"Numbered question {number}?")
    client.force_login(reviewer)
    html = client.get(QUEUE, {"status": "new", "article": "HER2"}).content.decode()
    assert "Questions 1\u20133 of 7" in html
    assert re.findall(r"Numbered question (\d)\?", html) == ["6", "5", "4"]  # newest first
    older = re.search(r'<a href="([^"]+)" rel="next">Older questions</a>', html).group(1)
    assert older.replace("&amp;", "&") == "?status=new&article=HER2&page=2"
    html = client.get(QUEUE + older.replace("&amp;", "&")).content.decode()
    assert "Questions 4\u20136 of 7" in html and "Page 2 of 3" in html
    assert re.findall(r"Numbered question (\d)\?", html) == ["3", "2", "1"]


def test_the_queue_costs_the_same_queries_for_3_or_30_questions(
    client, make_question, other, reviewer, django_assert_max_num_queries
):
    client.force_login(reviewer)

    def queries() -> int:
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE, {"article": "dosed"})
        assert response.status_code == 200
        return len(captured)

    for number in range(3):
        make_question(f"Dosing question {number}?", article=other)
    few = queries()
    for number in range(3, 30):
        make_question(f"Dosing question {number}?", article=other)
    assert queries() == few
