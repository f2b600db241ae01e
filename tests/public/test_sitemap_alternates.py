"""The sitemap's language alternates: an English article names its public Spanish translation
(and the translation's page has an entry of its own naming its original), the standing pages
both their addresses; the translations are read with the articles, not one query each."""

import xml.etree.ElementTree as ET

from django.core.cache import cache
from django.test import Client

from config.site import site_url

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ENGLISH, SPANISH = site_url("/articles/platinum-first/"), site_url("/es/articles/platinum-first/")


def entries(client) -> dict[str, dict]:
    """Each URL of /sitemap.xml: its lastmod and its alternates by hreflang."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    found = {}
    for url in ET.fromstring(response.content).findall("s:url", NS):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
        lastmod = url.findtext("s:lastmod", namespaces=NS)
        found[url.findtext("s:loc", namespaces=NS)] = {"lastmod": lastmod, "alt": alternates}
    return found


def test_an_article_and_its_translation_name_each_other(client, original, spanish_approved):
    found = entries(client)
    both = {"en": ENGLISH, "es": SPANISH, "x-default": ENGLISH}
    assert found[ENGLISH]["alt"] == both
    assert found[SPANISH]["alt"] == both
    assert found[SPANISH]["lastmod"] == spanish_approved.published_at.date().isoformat()
    assert site_url("/articles/platinum-first-es/") not in found


def test_an_article_without_a_public_translation_has_one_entry(client, original, spanish_draft):
    found = entries(client)
    assert found[ENGLISH]["alt"] == {"en": ENGLISH, "x-default": ENGLISH}
    assert SPANISH not in found


def test_the_standing_pages_are_listed_in_both_languages(client, original):
    found = entries(client)
    home, spanish_home = site_url("/"), site_url("/es/")
    assert found[home]["alt"] == {"en": home, "es": spanish_home, "x-default": home}
    assert spanish_home in found and site_url("/es/editorial-policy/") in found


def test_the_translations_are_read_with_the_articles(
    original, spanish_approved, django_assert_max_num_queries
):
    cache.clear()
    with django_assert_max_num_queries(4):
        response = Client().get("/sitemap-articles.xml")
    assert SPANISH in response.content.decode()  # as an alternate
    with django_assert_max_num_queries(4):
        response = Client().get("/sitemap-articles-es.xml")
    assert f"<loc>{SPANISH}</loc>" in response.content.decode()


def test_the_translations_have_a_section_of_their_own_in_the_index(
    client, original, spanish_approved
):
    index = client.get("/sitemap-index.xml").content.decode()
    assert site_url("/sitemap-articles.xml") in index
    assert site_url("/sitemap-articles-es.xml") in index
