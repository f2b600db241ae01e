"""Feeds and sitemaps are rendered once per act of the publication log, and never outlive one."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from articles.models import Topic
from public import sitemaps
from tests.api.conftest import approve, withdraw  # noqa: F401 (fixtures)

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def lung(db):
    return Topic.objects.create(name="Lung cancer", slug="lung-cancer")


@pytest.fixture
def approved(make_article, approve, lung):  # noqa: F811
    article = make_article(slug="lung-article", title="Lung question?", summary="A doublet.")
    article.topics.add(lung)
    return approve(article)


@pytest.mark.parametrize("url", ["/feed/", "/topics/lung-cancer/feed/", "/sitemap.xml"])
def test_a_list_is_rendered_once_then_read_in_one_query(approved, url, django_assert_num_queries):
    first = Client().get(url)
    assert first.status_code == 200 and b"lung-article" in first.content
    with django_assert_num_queries(1):  # the version of the lists
        again = Client().get(url, {"utm_source": "mail"})  # a parameter it does not read
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.mark.parametrize("url", ["/feed/", "/topics/lung-cancer/feed/", "/sitemap.xml"])
def test_a_withdrawal_leaves_every_list_at_once(approved, withdraw, url):  # noqa: F811
    assert b"lung-article" in Client().get(url).content  # kept now
    withdraw(approved)
    assert b"lung-article" not in Client().get(url).content


def test_a_new_approval_joins_the_kept_feed(approved, make_article, approve, lung):  # noqa: F811
    assert b"second-article" not in Client().get("/feed/").content
    article = make_article(slug="second-article", title="Second?", summary="Another.")
    approve(article)
    assert b"second-article" in Client().get("/feed/").content


def test_the_sitemap_keeps_its_robots_header(approved):
    Client().get("/sitemap-index.xml")
    assert Client().get("/sitemap-index.xml")["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_past_the_urls_a_file_sitemap_xml_is_an_index_of_files_within_it(
    approved, make_article, approve, monkeypatch  # noqa: F811
):  # fmt: skip
    for n in range(3):
        approve(make_article(slug=f"more-{n}", title=f"More {n}?", summary="More."))
    # Four articles and two standing pages: past a limit of three URLs a file.
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 3)
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 3)
    root = ET.fromstring(Client().get("/sitemap.xml").content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    files = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert [f.rsplit("/", 1)[1] for f in files] == [
        "sitemap-articles.xml",
        "sitemap-articles.xml?p=2",
        "sitemap-pages.xml",
    ]
    listed = []
    for page in ("", "?p=2"):
        urlset = ET.fromstring(Client().get(f"/sitemap-articles.xml{page}").content)
        listed += [loc.text for loc in urlset.iter(f"{SITEMAP}loc")]
    assert len(listed) == 4 and any(url.endswith("/articles/lung-article/") for url in listed)
    assert Client().get("/sitemap-articles.xml?p=3").status_code == 404
