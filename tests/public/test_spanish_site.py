"""The site in Spanish: the reader's pages under /es/, the switcher and the remembered choice,
the page store keeping each language's pages apart, and the catalogue."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Topic
from personalization.models import Audience, ReaderRole
from public.language import LANGUAGE_COOKIE

# The site's catalogue (locale/) and any app's own (<app>/locale/), as the Makefile compiles them.
BASE_DIR = Path(settings.BASE_DIR)
CATALOGUES = sorted(
    [BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po",
     *BASE_DIR.glob("*/locale/es/LC_MESSAGES/django.po")]
)  # fmt: skip
MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogue():
    """`make test` compiles the catalogue (`make messages`); a bare pytest run may not have."""
    if any(_stale(catalogue) for catalogue in CATALOGUES):
        call_command("compilemessages", locale=["es"], ignore_patterns=[".venv", "node_modules"],
                     verbosity=0)  # fmt: skip
        from django.utils.translation import trans_real

        trans_real._translations = {}  # read the new file
        trans_real._active.value = None  # type: ignore[attr-defined]


def _stale(catalogue: Path) -> bool:
    compiled = catalogue.with_suffix(".mo")
    return not compiled.exists() or compiled.stat().st_mtime < catalogue.stat().st_mtime


@pytest.fixture
def patient(db):
    return ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8, order=1
    )


@pytest.fixture
def article(publish, patient):
    topic = Topic.objects.create(name="Lung cancer", slug="lung-cancer")
    return publish("nsclc-first-line", title="Which treatment comes first?", approve=True,
                   topics=[topic])  # fmt: skip


def _html(response) -> str:
    return response.content.decode()


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)">', html)[1]


@pytest.mark.parametrize(
    ("path", "spanish"),
    [
        ("/es/", "Respuestas médicas revisadas por médicos"),
        ("/es/articles/nsclc-first-line/", "Comité médico asesor"),
        ("/es/articles/nsclc-first-line/for/patient/", "Todavía no se ha escrito una versión para"),
        (
            "/es/articles/nsclc-first-line/editions/1/",
            "Esta es la edición actual (edición 1) de este artículo.",
        ),
        # Spanish search finds Spanish texts only (tests/public/test_search_spanish.py): this
        # article has none.
        ("/es/search/?q=treatment", "0 resultados para «treatment»"),
        # No Spanish name written for the topic: its English one, marked as English.
        ("/es/topics/lung-cancer/", 'Artículos sobre <span lang="en">Lung cancer</span>'),
        ("/es/editorial-policy/", "Política editorial"),
        ("/es/articles/nsclc-first-line/questions/", "Haga una pregunta de seguimiento"),
    ],
)
def test_the_spanish_addresses_show_the_interface_in_spanish(client, article, path, spanish):
    response = client.get(path)
    html = _html(response)
    assert response.status_code == 200
    assert _lang(html) == "es"
    assert spanish in html
    assert "Skip to content" not in html and "Ir al contenido" in html


def test_a_spanish_reader_without_a_spanish_text_reads_the_english_one_marked_as_english(
    client, article
):
    html = _html(client.get("/es/articles/nsclc-first-line/"))
    assert "Este artículo aún no está disponible en español" in html
    assert '<h1 id="article-title" lang="en">Which treatment comes first?</h1>' in html
    assert '<div class="article-body" lang="en">' in html
    # The interface around it is Spanish.
    assert "Estado de revisión del artículo" in html
    assert 'aria-current="step">Aprobado</li>' in html


def test_english_pages_keep_their_addresses_and_their_words(client, article):
    for path in ("/", "/articles/nsclc-first-line/", "/search/?q=treatment", "/editorial-policy/"):
        response = client.get(path)
        html = _html(response)
        assert response.status_code == 200, path
        assert _lang(html) == "en"
        assert "Skip to content" in html
        assert "Comité médico asesor" not in html
        assert LANGUAGE_COOKIE not in response.cookies
        assert "Accept-Language" not in response.get("Vary", "")
    html = _html(client.get("/articles/nsclc-first-line/"))
    assert "not yet available" not in html and 'lang="en">' not in html.split("<body>")[1]


def test_dates_are_written_the_spanish_way(client, article):
    today = timezone.localdate()
    html = _html(client.get("/es/articles/nsclc-first-line/"))
    assert f">{today.day} de {MONTHS[today.month - 1]} de {today.year}</time>" in html
    english = _html(client.get("/articles/nsclc-first-line/"))
    assert f">{today:%B} {today.day}, {today.year}</time>" in english


def test_every_page_carries_the_switcher_with_each_language_named_in_its_own(client, article):
    for path in ("/articles/nsclc-first-line/", "/es/search/", "/accounts/login/"):
        html = _html(client.get(path))
        nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S)[0]
        assert 'hreflang="es" lang="es"' in nav or '<span lang="es" aria-current="true">' in nav
        assert ">English<" in nav and ">Español<" in nav
    html = _html(client.get("/articles/nsclc-first-line/"))
    assert (
        '<a href="/language/es/?next=/articles/nsclc-first-line/" hreflang="es" lang="es" '
        'rel="nofollow">Español</a>' in html
    )


def test_choosing_spanish_leads_to_the_same_page_in_spanish_and_is_remembered(client, article):
    response = client.get("/language/es/", {"next": "/articles/nsclc-first-line/for/patient/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/articles/nsclc-first-line/for/patient/"
    assert response.cookies[LANGUAGE_COOKIE].value == "es"
    assert "private" in response["Cache-Control"]

    # Remembered: an English address sends the reader to its Spanish counterpart.
    again = client.get("/articles/nsclc-first-line/", {"role": "patient"})
    assert again.status_code == 302
    assert again["Location"] == "/es/articles/nsclc-first-line/?role=patient"
    assert "Cookie" in again["Vary"]
    assert _lang(_html(client.get(again["Location"]))) == "es"


def test_choosing_english_again_clears_the_choice(client, article):
    client.get("/language/es/", {"next": "/"})
    assert client.get("/").status_code == 302
    response = client.get("/language/en/", {"next": "/es/articles/nsclc-first-line/"})
    assert response["Location"] == "/articles/nsclc-first-line/"
    assert response.cookies[LANGUAGE_COOKIE].value == ""  # deleted
    page = client.get("/articles/nsclc-first-line/")
    assert page.status_code == 200 and _lang(_html(page)) == "en"


def test_the_switcher_never_sends_a_reader_to_another_site(client, article):
    for target in ("https://evil.example/", "//evil.example/x"):
        response = client.get("/language/es/", {"next": target})
        assert response["Location"] == "/es/"


def test_a_tampered_language_cookie_is_ignored(client, article):
    client.cookies[LANGUAGE_COOKIE] = "xx"
    response = client.get("/articles/nsclc-first-line/")
    assert response.status_code == 200 and _lang(_html(response)) == "en"


def test_pages_without_a_spanish_address_follow_the_choice_without_a_redirect(client, article):
    client.cookies[LANGUAGE_COOKIE] = "es"
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = _html(response)
    assert _lang(html) == "es" and "Nombre de usuario" in html


def test_a_signed_in_readers_profile_remembers_the_choice(client, article, author):
    client.force_login(author)
    client.get("/language/es/", {"next": "/"})
    author.refresh_from_db()
    assert author.preferred_language == "es"

    other_browser = Client()
    other_browser.force_login(author)  # no language cookie there
    response = other_browser.get("/articles/nsclc-first-line/")
    assert response.status_code == 302
    assert response["Location"] == "/es/articles/nsclc-first-line/"


def test_the_question_forms_messages_are_spanish_at_the_spanish_address(client, article):
    response = client.post(
        "/es/articles/nsclc-first-line/questions/",
        {"question": "¿Y?", "email": "no-es-un-correo"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    html = _html(response)
    assert response.status_code == 400
    assert _lang(html) == "es"
    assert "Su pregunta todavía no se ha enviado" in html
    assert "Escriba al menos 10 caracteres" in html
    assert "Marque esta casilla para enviar su pregunta." in html
    assert "Introduzca una dirección de correo electrónico válida." in html  # Django's own
    assert "¿Y?" in html  # what they typed is kept
    assert "Please write at least" not in html


def test_a_question_sent_from_the_spanish_page_goes_on_in_spanish(client, article, settings):
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    form = {"question": "¿Cuánto dura el tratamiento de primera línea?", "consent": "on"}
    check = client.post("/es/articles/nsclc-first-line/questions/", form,
                        HTTP_SEC_FETCH_SITE="same-origin")  # fmt: skip
    html = _html(check)
    assert "Revise su pregunta antes de enviarla" in html
    started = re.search(r'name="started" value="([^"]+)"', html)[1]
    sent = client.post("/es/articles/nsclc-first-line/questions/", form | {"started": started},
                       HTTP_SEC_FETCH_SITE="same-origin")  # fmt: skip
    assert sent.status_code == 303
    assert sent["Location"] == "/es/articles/nsclc-first-line/questions/thanks/"
    assert "Gracias: hemos recibido su pregunta" in _html(client.get(sent["Location"]))


def test_the_page_store_never_serves_one_languages_page_for_the_other(
    client, article, django_assert_num_queries
):
    english = "/articles/nsclc-first-line/for/patient/"
    spanish = "/es/articles/nsclc-first-line/for/patient/"
    assert _lang(_html(client.get(english))) == "en"  # rendered and stored
    assert _lang(_html(client.get(spanish))) == "es"  # not the stored English page
    # Now both from the store, by the fast path: the article's public pointer (for a Spanish
    # reader, first that of its Spanish translation, which it does not have).
    for path, language, queries in ((english, "en", 1), (spanish, "es", 2)):
        with django_assert_num_queries(queries):
            response = Client().get(path)
        assert _lang(_html(response)) == language
    assert Client().get(english)["ETag"] != Client().get(spanish)["ETag"]


def test_a_stored_english_page_is_not_served_to_a_reader_who_chose_spanish(client, article):
    client.get("/articles/nsclc-first-line/")  # stored
    client.cookies[LANGUAGE_COOKIE] = "es"
    response = client.get("/articles/nsclc-first-line/")
    assert response.status_code == 302
    assert response["Location"] == "/es/articles/nsclc-first-line/"


def test_a_withdrawal_reaches_the_spanish_page_at_once(client, article, withdraw):
    assert client.get("/es/articles/nsclc-first-line/").status_code == 200
    withdraw(article)
    response = client.get("/es/articles/nsclc-first-line/")
    assert response.status_code == 410
    assert "Este artículo ha sido retirado" in _html(response)


def test_the_editorial_policy_has_its_spanish_text_when_there_is_one(
    client, article, settings, tmp_path
):
    html = _html(client.get("/es/editorial-policy/"))
    assert "Política editorial: cómo se revisa un artículo" in html  # the team's Spanish text
    assert '<article aria-labelledby="policy-title" lang="en">' not in html

    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "editorial_policy_es.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Política editorial</h1>{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    html = _html(client.get("/es/editorial-policy/"))
    assert "<h1>Política editorial</h1>" in html
    assert "how an article is reviewed" not in html


def test_the_not_found_page_speaks_the_addresses_language(client, db):
    response = client.get("/es/articles/no-such-article/")
    assert response.status_code == 404
    assert "No hemos encontrado esa página" in _html(response)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_the_catalogue_translates_every_message_with_the_same_placeholders(path):
    catalogue = polib.pofile(str(path))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    assert not catalogue.obsolete_entries()
    placeholder = re.compile(r"%\(\w+\)[sd]|<[^>]+>")
    for entry in catalogue:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert text.strip(), entry.msgid
            expected = sorted(placeholder.findall(entry.msgid_plural or entry.msgid))
            assert sorted(placeholder.findall(text)) == expected, entry.msgid


def test_what_is_rendered_once_for_everyone_stays_english_whoever_asks_first(client, article):
    client.cookies[LANGUAGE_COOKIE] = "es"
    feed = client.get("/feed/")
    assert feed.status_code == 200
    assert "/es/articles/" not in feed.content.decode()
    # The sitemap names each language's addresses itself (the standing pages' /es/ ones), never
    # the asker's: the article, untranslated, only at its English address.
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/es/articles/" not in sitemap
    cache.clear()
    assert Client().get("/sitemap.xml").content.decode() == sitemap


def test_the_bare_spanish_prefix_leads_to_the_spanish_home_page(client, article):
    response = client.get("/es")
    assert response.status_code == 301
    assert response["Location"] == "/es/"
