"""Feeds and discovery: Atom feeds of approved changes, sitemap.xml, robots.txt, the favicon."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Topic
from tests.api.conftest import approve, pending, revise, withdraw  # noqa: F401 (fixtures)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://vetted.example.org"


@pytest.fixture(autouse=True)
def site_address(settings):
    """The site's address differs from the test client's host (testserver): every absolute
    link must come from the setting."""
    settings.VETTED_SITE_URL = SITE


@pytest.fixture
def lung(db):
    return Topic.objects.create(name="Lung cancer", slug="lung-cancer")


@pytest.fixture
def approved(make_article, approve, lung):  # noqa: F811
    article = make_article(slug="lung-article", title="Lung question?", summary="A doublet.")
    article.topics.add(lung)
    return approve(article)


def _entries(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10" and not feed.bozo, feed.get("bozo_exception")
    return feed.entries


def test_the_feed_is_atom_with_one_entry_per_approved_edition(
    client,
    approved,
    revise,  # noqa: F811
    approve,  # noqa: F811
):
    revise(approved, "## Answer\n\nA doublet, then T-DXd.[@nccn-2024]\n")
    approve(approved, note="Added second-line T-DXd.")
    second, first = _entries(client, "/feed/")
    assert second.title == "Lung question? (edition 2)"
    assert second.link == f"{SITE}/articles/lung-article/editions/2/"
    assert "Added second-line T-DXd." in second.summary and "A doublet." in second.summary
    assert first.link.endswith("/articles/lung-article/editions/1/")
    assert second.id.startswith("tag:") and second.id != first.id
    assert second.updated_parsed[:6] == approved.published_at.utctimetuple()[:6]
    assert [tag.term for tag in second.tags] == ["Lung cancer"]


def test_the_feed_has_the_atom_elements_a_reader_needs(client, approved):
    root = ET.fromstring(client.get("/feed/").content)
    assert root.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated", "link", "author"):
        assert root.find(f"{ATOM}{element}") is not None, element
    [entry] = root.findall(f"{ATOM}entry")
    for element in ("id", "title", "updated", "link", "summary"):
        assert entry.find(f"{ATOM}{element}") is not None, element


def test_pending_and_withdrawn_articles_are_not_in_the_feed(
    client,
    approved,
    pending,  # noqa: F811
    make_article,
    approve,  # noqa: F811
    withdraw,  # noqa: F811
):
    withdraw(approve(make_article(slug="withdrawn-one", title="Withdrawn question?")))
    links = [entry.link for entry in _entries(client, "/feed/")]
    assert links == [f"{SITE}/articles/lung-article/editions/1/"]


def test_a_topic_feed_holds_that_topics_changes_only(
    client,
    approved,
    make_article,
    approve,  # noqa: F811
):
    heart = Topic.objects.create(name="Heart failure", slug="heart-failure")
    other = make_article(slug="heart-article", title="Heart question?")
    other.topics.add(heart)
    approve(other)
    assert [e.title for e in _entries(client, "/topics/lung-cancer/feed/")] == [
        "Lung question? (edition 1)"
    ]
    assert [e.title for e in _entries(client, "/topics/heart-failure/feed/")] == [
        "Heart question? (edition 1)"
    ]
    assert client.get("/topics/no-such-topic/feed/").status_code == 404


def test_every_page_points_to_the_feed_and_the_icon(client, approved):
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="/feed/"' in html
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.svg"


def _urlset(client, url: str) -> dict[str, str | None]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    return {
        node.findtext(f"{SITEMAP}loc"): node.findtext(f"{SITEMAP}lastmod")
        for node in root.findall(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_approved_articles_with_their_last_change(
    client,
    approved,
    pending,  # noqa: F811
    make_article,
    approve,  # noqa: F811
    withdraw,  # noqa: F811
):
    withdraw(approve(make_article(slug="withdrawn-one", title="Withdrawn question?")))
    urls = _urlset(client, "/sitemap.xml")
    # The protocol's W3C date; the framework writes the day.
    assert urls[f"{SITE}/articles/lung-article/"] == str(approved.published_at.date())
    assert f"{SITE}/editorial-policy/" in urls
    assert not [url for url in urls if "awaiting-review" in url or "withdrawn-one" in url]


def test_the_sitemap_lastmod_moves_with_a_new_approval(
    client,
    approved,
    revise,  # noqa: F811
    approve,  # noqa: F811
    monkeypatch,
):
    revise(approved, "## Answer\n\nRevised.[@nccn-2024]\n")
    a_day_later = approved.published_at + timedelta(days=1, hours=1)
    monkeypatch.setattr(timezone, "now", lambda: a_day_later)
    approve(approved, note="Revised.")
    urls = _urlset(client, "/sitemap.xml")
    assert urls[f"{SITE}/articles/lung-article/"] == str(a_day_later.date())
    # The articles' section has a lastmod for every URL, so the framework also says it to the
    # second in Last-Modified, which crawlers revalidate against.
    response = client.get("/sitemap-articles.xml")
    assert response["Last-Modified"] == http_date(a_day_later.timestamp())


def test_the_sitemap_index_lists_each_sections_pages(client, approved):
    root = ET.fromstring(client.get("/sitemap-index.xml").content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    locations = [node.findtext(f"{SITEMAP}loc") for node in root.findall(f"{SITEMAP}sitemap")]
    assert f"{SITE}/sitemap-articles.xml" in locations
    assert f"{SITE}/articles/lung-article/" in _urlset(client, locations[0])


def test_robots_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for area in ("/review/", "/admin/", "/accounts/", "/api/"):
        assert f"Disallow: {area}" in lines
    assert f"Sitemap: {SITE}/sitemap-index.xml" in lines
    assert "Disallow: /" not in lines


def test_feeds_sitemaps_and_robots_name_the_site_whatever_host_was_asked(client, approved):
    """A crawler or feed reader reaching the site by another name (an IP, a load balancer's
    host) gets the same ids and links: they come from VETTED_SITE_URL, never the Host header."""
    for host in ("testserver", "localhost"):
        feed = ET.fromstring(client.get("/feed/", headers={"host": host}).content)
        assert feed.findtext(f"{ATOM}id") == f"{SITE}/"
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}/feed/"
        entry = feed.find(f"{ATOM}entry")
        assert entry.find(f"{ATOM}link").get("href") == f"{SITE}/articles/lung-article/editions/1/"
        assert entry.findtext(f"{ATOM}id").startswith("tag:vetted.example.org,")
        topic = ET.fromstring(
            client.get("/topics/lung-cancer/feed/", headers={"host": host}).content
        )
        assert topic.find(f"{ATOM}link[@rel='self']").get("href") == (
            f"{SITE}/topics/lung-cancer/feed/"
        )
        index = client.get("/sitemap-index.xml", headers={"host": host}).content.decode()
        assert f"<loc>{SITE}/sitemap-articles.xml</loc>" in index and host not in index
        urls = client.get("/sitemap.xml", headers={"host": host}).content.decode()
        assert f"<loc>{SITE}/articles/lung-article/</loc>" in urls and host not in urls
        robots = client.get("/robots.txt", headers={"host": host}).content.decode()
        assert f"Sitemap: {SITE}/sitemap-index.xml" in robots
