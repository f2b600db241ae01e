"""The Spanish feeds: /es/feed/ and /es/topics/<slug>/feed/, the approved editions of the Spanish
translations, written in Spanish (`xml:lang="es"`), kept per version of the publication log like
the English ones, which stay as they were."""

import xml.etree.ElementTree as ET

import feedparser
from django.test import Client

from articles.models import Topic
from articles.selectors import latest_revision_id
from config.site import site_url
from review import services
from tests.translation_fixtures import approve

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.version == "atom10" and not parsed.bozo, parsed.get("bozo_exception")
    return ET.fromstring(response.content), parsed


def test_the_spanish_feed_holds_the_translations_editions_in_spanish(
    client, original, spanish_approved
):
    root, parsed = feed(client, "/es/feed/")
    assert root.get(XML_LANG) == "es"
    assert parsed.feed.title == "Vetted: cambios aprobados"
    assert parsed.feed.subtitle.startswith("Cada artículo y revisión")
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == site_url("/es/feed/")
    assert root.findtext(f"{ATOM}id") == site_url("/es/")
    [entry] = parsed.entries
    assert entry.title == "¿Qué va primero? (edición 1)"
    assert entry.link == site_url("/es/articles/platinum-first/")
    assert "Qué cambió:" in entry.summary


def test_the_english_feed_keeps_to_the_originals_in_english(client, original, spanish_approved):
    root, parsed = feed(client, "/feed/")
    assert root.get(XML_LANG) == "en"
    assert parsed.feed.title == "Vetted: approved changes"
    assert [e.title for e in parsed.entries] == ["What comes first? (edition 1)"]
    assert "What changed:" in parsed.entries[0].summary


def test_a_spanish_topic_feed_holds_that_topics_translations(client, original, spanish_approved):
    lung = Topic.objects.create(name="Pulmón", slug="lung")
    Topic.objects.create(name="Corazón", slug="heart")
    spanish_approved.topics.add(lung)
    original.topics.add(lung)
    client.get("/es/topics/heart/feed/")  # kept under this version of the log
    root, parsed = feed(client, "/es/topics/lung/feed/")
    assert root.get(XML_LANG) == "es"
    assert parsed.feed.title == "Vetted: cambios aprobados sobre Pulmón"
    assert [e.title for e in parsed.entries] == ["¿Qué va primero? (edición 1)"]
    assert feed(client, "/es/topics/heart/feed/")[1].entries == []
    assert client.get("/es/topics/no-such-topic/feed/").status_code == 404


def test_the_spanish_feed_follows_the_publication_log(
    client, original, spanish_submitted, bilingual
):
    assert feed(client, "/es/feed/")[1].entries == []  # kept under this version of the log
    approve(spanish_submitted, by=bilingual)
    assert len(feed(Client(), "/es/feed/")[1].entries) == 1
    services.make_move(
        "withdraw", article=spanish_submitted, by=bilingual,
        seen_revision_id=latest_revision_id(spanish_submitted), comment="Una dosis mal traducida.",
    )  # fmt: skip
    assert feed(Client(), "/es/feed/")[1].entries == []


def test_spanish_pages_point_to_the_spanish_feed(client, original):
    assert 'type="application/atom+xml"' in client.get("/es/").content.decode()
    assert 'href="/es/feed/"' in client.get("/es/").content.decode()
    assert 'href="/feed/"' in client.get("/").content.decode()
