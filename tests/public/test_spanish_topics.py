"""Topic names on Spanish pages: the Spanish name where one is written, else the English one
marked `lang="en"` (what a screen reader needs to say it right), in the lists, on topic pages, in
the page's JSON-LD, the Spanish feeds and the API's ?lang=es; English pages stay as they were."""

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from articles.models import Article, Topic
from tests.contributor_factories import DisclosureFactory, fresh_profile
from tests.translation_fixtures import approve, submit

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def topics(db):
    """Two topics, one named in Spanish and one not yet."""
    lung = Topic.objects.create(name="Lung cancer", slug="lung-cancer", name_es="Cáncer de pulmón")
    bones = Topic.objects.create(name="Bones", slug="bones")
    return lung, bones


@pytest.fixture
def original(make_article, author, reviewer, professional_disclaimer, topics) -> Article:
    """An English article on both topics from its first edition (the lists follow what was
    published; a translation takes its original's topics)."""
    article = make_article(slug="platinum-first", title="What comes first?")
    article.topics.set(topics)
    submit(article, by=author)
    return approve(article, by=reviewer)


@pytest.fixture
def translated(topics, spanish_approved):
    return spanish_approved


def _topic_links(html: str) -> list[str]:
    return re.findall(r'<p class="topics">.*?</p>', html, re.DOTALL)


def test_spanish_lists_name_topics_in_spanish_and_mark_the_english_ones(client, translated):
    for html in (
        client.get("/es/").content.decode(),
        client.get("/es/search/", {"q": "quimioterapia"}).content.decode(),
        client.get("/es/topics/lung-cancer/").content.decode(),
    ):
        [links] = _topic_links(html)
        assert (
            '<a href="/es/topics/bones/"><span lang="en">Bones</span></a>, '
            '<a href="/es/topics/lung-cancer/">Cáncer de pulmón</a>'
        ) in links


def test_english_lists_keep_the_english_names_unmarked(client, translated):
    [links] = _topic_links(client.get("/").content.decode())
    assert '<a href="/topics/bones/">Bones</a>, <a href="/topics/lung-cancer/">Lung cancer</a>' in (
        links
    )
    assert "lang=" not in links


def test_a_spanish_topic_page_is_headed_with_its_spanish_name(client, translated):
    html = client.get("/es/topics/lung-cancer/").content.decode()
    assert re.search(r"<title>\s*Cáncer de pulmón", html)
    assert "<h1>Cáncer de pulmón</h1>" in html
    assert "Artículos sobre Cáncer de pulmón, los más recientes primero." in html

    untranslated = client.get("/es/topics/bones/").content.decode()
    assert re.search(r"<title>\s*Bones", untranslated)  # a title holds text, no markup
    assert '<h1><span lang="en">Bones</span></h1>' in untranslated
    assert 'Artículos sobre <span lang="en">Bones</span>' in untranslated


def test_the_english_topic_page_is_as_it_was(client, translated):
    html = client.get("/topics/lung-cancer/").content.decode()
    assert re.search(r"<title>\s*Lung cancer", html)
    assert "<h1>Lung cancer</h1>" in html
    assert "Articles on Lung cancer, newest first." in html


def test_editing_a_spanish_name_in_the_admin_renames_the_topic_on_spanish_pages(
    client, admin_user, translated, topics
):
    lung, _ = topics
    assert "<h1>Cáncer de pulmón</h1>" in client.get("/es/topics/lung-cancer/").content.decode()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/articles/topic/{lung.pk}/change/",
        {"name": "Lung cancer", "slug": "lung-cancer", "name_es": "Cáncer pulmonar"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()

    html = client.get("/es/topics/lung-cancer/").content.decode()
    assert "<h1>Cáncer pulmonar</h1>" in html
    assert '<a href="/es/topics/lung-cancer/">Cáncer pulmonar</a>' in _topic_links(html)[0]
    assert "<h1>Lung cancer</h1>" in client.get("/topics/lung-cancer/").content.decode()


def _json_ld(html: str) -> dict:
    [found] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(found)


def test_the_spanish_pages_json_ld_is_about_the_topics_in_spanish(client, translated):
    spanish = _json_ld(client.get("/es/articles/platinum-first/").content.decode())
    assert spanish["inLanguage"] == "es"
    assert sorted(t["name"] for t in spanish["about"]) == ["Bones", "Cáncer de pulmón"]


def test_the_spanish_feed_files_entries_under_the_spanish_names(client, translated):
    root = ET.fromstring(client.get("/es/feed/").content)
    categories = [c.get("term") for c in root.iter(f"{ATOM}category")]
    assert sorted(categories) == ["Bones", "Cáncer de pulmón"]
    topic_feed = ET.fromstring(client.get("/es/topics/lung-cancer/feed/").content)
    assert topic_feed.findtext(f"{ATOM}title") == "Vetted: cambios aprobados sobre Cáncer de pulmón"


def test_the_api_names_topics_in_the_language_asked_for(client, translated):
    spanish = client.get("/api/v1/articles/platinum-first/", {"lang": "es"}).json()
    assert sorted(t["name"] for t in spanish["topics"]) == ["Bones", "Cáncer de pulmón"]
    english = client.get("/api/v1/articles/platinum-first/").json()
    assert sorted(t["name"] for t in english["topics"]) == ["Bones", "Lung cancer"]


def test_load_demo_names_its_topics_in_spanish_and_keeps_an_admins_edit(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "test-demo-password")
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
        names = dict(Topic.objects.values_list("slug", "name_es"))
        assert names == {
            "lung-cancer": "Cáncer de pulmón",
            "targeted-therapy": "Terapia dirigida",
            "oncology": "Oncología",
        }
        Topic.objects.filter(slug="oncology").update(name_es="Oncología médica")
        call_command("load_demo", stdout=quiet)
    assert Topic.objects.get(slug="oncology").name_es == "Oncología médica"


def test_the_demos_spanish_page_names_its_topics_in_spanish(client, db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "test-demo-password")
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    page = _json_ld(client.get("/es/articles/nsclc-her2-exon-20-first-line/").content.decode())
    assert sorted(t["name"] for t in page["about"]) == [
        "Cáncer de pulmón",
        "Oncología",
        "Terapia dirigida",
    ]


def test_a_spanish_contributor_page_names_conflict_topics_in_spanish(client, reviewer, topics):
    page = fresh_profile(reviewer, slug="ana-reyes")
    DisclosureFactory(contributor=page, conflict_topics=list(topics))
    spanish = client.get("/es/contributors/ana-reyes/").content.decode()
    assert 'Conflictos en: <span lang="en">Bones</span>, Cáncer de pulmón.' in spanish
    english = client.get("/contributors/ana-reyes/").content.decode()
    assert "Conflicts on: Bones, Lung cancer." in english


def test_the_spanish_policy_names_each_topics_rule_by_its_spanish_name(client, db):
    from review.models import SignOffPolicy

    SignOffPolicy.objects.create(
        topic=Topic.objects.create(name="Oncology", slug="oncology", name_es="Oncología"),
        approvals_required=2,
    )
    SignOffPolicy.objects.create(topic=Topic.objects.create(name="Bones", slug="bones"))
    rules = client.get("/es/editorial-policy/").content.decode().split('id="sign-off-rules"')[1]
    assert '<th scope="row">Oncología</th>' in rules
    assert '<th scope="row"><span lang="en">Bones</span></th>' in rules
    english = client.get("/editorial-policy/").content.decode()
    assert '<th scope="row">Oncology</th>' in english and '<th scope="row">Bones</th>' in english
