"""The public lists, home and topic pages: newest published first, a page at a time, read from
the editions with a bounded number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.services import topics_named
from public import views
from tests.translation_fixtures import approve, revise, submit


def _titles(html: str) -> list[str]:
    return re.findall(r'<li>\s*<a href="/articles/[^"]+/">([^<]+)</a>', html)


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)


def test_home_lists_the_newest_first_a_page_at_a_time(client, publish, two_a_page):
    for n in range(5):
        publish(f"article-{n}", title=f"Question {n}?", approve=n % 2 == 0)
    pages = [client.get("/", {"page": number}) for number in (1, 2, 3)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    first, second, last = (p.content.decode() for p in pages)
    assert _titles(first) == ["Question 4?", "Question 3?"]
    assert _titles(second) == ["Question 2?", "Question 1?"]
    assert _titles(last) == ["Question 0?"]
    assert "Page 2" in second and "Page 2 of" not in second  # not counted
    assert 'href="?page=1" rel="prev">Newer articles</a>' in second
    assert 'href="?page=3" rel="next">Older articles</a>' in second
    assert "Newer articles" not in first and "Older articles" not in last
    assert _titles(client.get("/").content.decode()) == _titles(first)


@pytest.mark.parametrize("page", ["4", "0", "-1", "two", "1.5", ""])
def test_a_page_that_is_not_there_is_not_found(client, publish, two_a_page, page):
    for n in range(5):
        publish(f"article-{n}", title=f"Question {n}?")
    assert client.get("/", {"page": page}).status_code == 404


def test_an_empty_site_has_a_first_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No articles have been published yet." in response.content.decode()


def test_home_leaves_out_withdrawn_articles_and_drafts(client, publish, withdraw, make_article):
    withdrawn = publish("withdrawn", title="Withdrawn question?", approve=True)
    publish("shown", title="Shown question?")
    make_article(slug="draft", title="Draft question?")
    withdraw(withdrawn)
    assert _titles(client.get("/").content.decode()) == ["Shown question?"]


def test_a_topic_page_lists_that_topics_public_articles_newest_first(
    client, publish, two_a_page, make_article
):
    lungs, bones = topics_named(["Lung cancer", "Bones"])
    for n in range(3):
        publish(f"lung-{n}", title=f"Lung question {n}?", topics=[lungs])
    publish("bone", title="Bone question?", topics=[bones])
    make_article(slug="draft", title="Lung draft?").topics.set([lungs])
    first = client.get("/topics/lung-cancer/")
    assert first.status_code == 200
    html = first.content.decode()
    assert "<h1>Lung cancer</h1>" in html
    assert _titles(html) == ["Lung question 2?", "Lung question 1?"]
    assert 'href="?page=2" rel="next">Older articles</a>' in html
    second = client.get("/topics/lung-cancer/", {"page": 2}).content.decode()
    assert _titles(second) == ["Lung question 0?"]
    assert client.get("/topics/lung-cancer/", {"page": 3}).status_code == 404
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_a_topic_page_changes_with_a_publication_not_with_a_draft(
    client, publish, withdraw, author, reviewer
):
    """A topic's list is what was published: an author's change of topics reaches it with the
    next approval, and a withdrawal takes the article off it."""
    lungs, bones = topics_named(["Lung cancer", "Bones"])
    article = publish("moved", title="Moved question?", approve=True, topics=[lungs])
    article.topics.set([bones])  # a draft's change, not approved yet

    def listed(topic):
        return _titles(client.get(f"/topics/{topic.slug}/").content.decode())

    assert (listed(lungs), listed(bones)) == (["Moved question?"], [])
    links = re.findall(r'<a href="/topics/([^/]+)/">', client.get("/").content.decode())
    assert links == ["lung-cancer"]  # the list's links too
    revise(article, author=author)
    submit(article, by=author)
    assert (listed(lungs), listed(bones)) == (["Moved question?"], [])  # submitting shows nothing
    approve(article, by=reviewer, note="On bone health now.")
    assert (listed(lungs), listed(bones)) == ([], ["Moved question?"])
    assert re.findall(r'<a href="/topics/([^/]+)/">', client.get("/").content.decode()) == ["bones"]
    withdraw(article)
    assert (listed(lungs), listed(bones)) == ([], [])


def test_a_topic_page_lists_provisional_texts_only_where_the_site_shows_them(
    client, publish, settings
):
    lungs = topics_named(["Lung cancer"])[0]
    publish("approved", title="Approved question?", approve=True, topics=[lungs])
    publish("pending", title="Pending question?", topics=[lungs])
    assert _titles(client.get("/topics/lung-cancer/").content.decode()) == [
        "Pending question?", "Approved question?"
    ]  # fmt: skip
    settings.VETTED_SHOW_UNAPPROVED = False
    assert _titles(client.get("/topics/lung-cancer/").content.decode()) == ["Approved question?"]


def test_list_items_link_to_their_topics(client, publish):
    publish("lung", title="Lung question?", topics=topics_named(["Lung cancer", "Bones"]))
    html = client.get("/").content.decode()
    assert '<a href="/topics/lung-cancer/">Lung cancer</a>' in html
    assert '<a href="/topics/bones/">Bones</a>' in html


def _read(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured], response.content.decode()


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/", 3),
        ("/topics/lung-cancer/", 4),
    ],  # (the topic,) the page's ids, their rows with editions, their topics
)
def test_lists_read_a_bounded_number_of_queries_whatever_the_number_of_articles(
    client, publish, django_assert_max_num_queries, url, queries
):
    topics = topics_named(["Lung cancer", "Bones"])
    for n in range(2):
        publish(f"article-{n}", title=f"Question {n}?", topics=topics)
    few, _ = _read(client, url)
    for n in range(2, 12):
        publish(f"article-{n}", title=f"Question {n}?", topics=topics)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert len(_titles(response.content.decode())) == 12
    many, _ = _read(client, url)
    assert len(many) == len(few)


def test_lists_never_load_the_renditions(client, publish):
    publish("lung", title="Lung question?", topics=topics_named(["Lung cancer"]))
    for url in ("/", "/topics/lung-cancer/", "/search/?q=lung"):
        sql, html = _read(client, url)
        assert "Lung question?" in html
        assert not [q for q in sql if "renditions" in q]
