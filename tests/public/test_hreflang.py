"""hreflang alternates on the reader's pages: each names itself and its other language, at the
site's address, with the English as x-default; an article names its Spanish page only while a
Spanish translation is public, and its stored page follows the translation's publication and
withdrawal."""

import re

from accounts.models import ContributorProfile
from articles.models import Topic
from articles.selectors import latest_revision_id
from config.site import site_url
from public import baking, page_cache
from publishing.models import PublicationEntry
from publishing.surfaces import edge_keys
from review import services
from tests.translation_fixtures import approve

ENGLISH, SPANISH = "/articles/platinum-first/", "/es/articles/platinum-first/"
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


def alternates(client, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return dict(ALTERNATE.findall(response.content.decode()))


def both(english: str, spanish: str) -> dict[str, str]:
    return {"en": site_url(english), "es": site_url(spanish), "x-default": site_url(english)}


def test_the_standing_pages_name_both_languages(client, public_article, bilingual):
    ContributorProfile.objects.filter(user=bilingual).update(is_public=True)
    profile = ContributorProfile.objects.get(user=bilingual)
    Topic.objects.create(name="Lung", slug="lung")
    pages = [("/", "/es/"), ("/editorial-policy/", "/es/editorial-policy/"),
             ("/search/?q=lung", "/es/search/?q=lung"), ("/topics/lung/", "/es/topics/lung/"),
             (f"/contributors/{profile.slug}/", f"/es/contributors/{profile.slug}/")]  # fmt: skip
    for english, spanish in pages:
        assert alternates(client, english) == both(english, spanish)
        assert alternates(client, spanish) == both(english, spanish)


def test_an_article_without_a_translation_names_no_alternate(client, original, spanish_draft):
    assert alternates(client, ENGLISH) == {}
    assert alternates(client, SPANISH) == {}  # the English text, in the Spanish interface


def test_an_article_and_its_public_translation_name_each_other(client, original, spanish_approved):
    assert alternates(client, ENGLISH) == both(ENGLISH, SPANISH)
    assert alternates(client, SPANISH) == both(ENGLISH, SPANISH)
    assert alternates(client, f"{ENGLISH}editions/1/") == {}  # a permalink, for good


def test_the_stored_english_page_names_the_translation_once_it_is_published(
    client, original, spanish_submitted, bilingual
):
    assert alternates(client, ENGLISH) == {}  # stored now, under the original's pointer

    approve(spanish_submitted, by=bilingual)

    assert alternates(client, ENGLISH) == both(ENGLISH, SPANISH)


def test_the_stored_english_page_drops_the_translation_once_it_is_withdrawn(
    client, original, spanish_approved, bilingual
):
    assert "es" in alternates(client, ENGLISH)
    services.make_move(
        "withdraw", article=spanish_approved, by=bilingual,
        seen_revision_id=latest_revision_id(spanish_approved), comment="Una dosis mal traducida.",
    )  # fmt: skip
    page_cache.forget_pages_here()  # another process: the shared store alone

    assert alternates(client, ENGLISH) == {}
    assert client.get(SPANISH).status_code == 410  # its readers are told why


def test_a_translations_act_purges_its_originals_pages_at_the_edge(original, spanish_approved):
    entry = PublicationEntry.objects.filter(article=spanish_approved).latest("pk")
    keys = edge_keys(entry)
    assert keys.keys == (f"article-{spanish_approved.pk}", f"article-{original.pk}")
    assert SPANISH in keys.paths and ENGLISH in keys.paths


def test_the_baked_english_page_names_the_translation_once_it_is_published(
    tmp_path, settings, original, spanish_submitted, bilingual, django_capture_on_commit_callbacks
):
    settings.VETTED_BAKE_DIR = str(tmp_path)
    baking.bake_article(tmp_path, original.slug)
    page = tmp_path / "articles" / original.slug / "index.html"
    assert '<link rel="alternate" hreflang="es"' not in page.read_text()

    with django_capture_on_commit_callbacks(execute=True):  # the log's deliveries run
        approve(spanish_submitted, by=bilingual)

    assert f'<link rel="alternate" hreflang="es" href="{site_url(SPANISH)}">' in page.read_text()
