"""The review desk in Spanish: a reviewer who chose Spanish (on their profile, or with the
switcher's cookie) reads the desk's pages and its messages in Spanish, can switch back from the
desk itself, and an English reviewer's desk reads as before."""

import re
from datetime import date

import pytest

from public.language import LANGUAGE_COOKIE

# Compiles the catalogues when a bare pytest run finds them stale (autouse, for this module too).
from tests.public.test_spanish_site import compiled_catalogue  # noqa: F401


@pytest.fixture
def desk(original, spanish_submitted):
    """The desk's pages, by name: an approved original (its review page and history) and its
    Spanish translation waiting for the board (the dashboard's queue, the translations list)."""
    return {
        "dashboard": "/review/",
        "review page": f"/review/articles/{original.slug}/",
        "history": f"/review/articles/{original.slug}/history/",
        "due list": "/review/due/",
        "translations": "/review/translations/",
    }


SPANISH = {
    "dashboard": ["Ha iniciado sesión como Dr. Ana Reyes (revisores).",
                  "Pendientes de revisión (1)", "Revisiones pendientes", ">Artículo</th>",
                  ">Enviado</span>"],
    "review page": ["Los lectores ven la versión aprobada por Dr. Ana Reyes",
                    "Historial y versiones", ">Comprobaciones</h2>", ">Decisión</h2>",
                    ">Cronología</h2>", "Publicar comentario", ">Aprobado</strong>"],
    "history": ["<h1>Historial y versiones</h1>", "Comparar versiones",
                "Cronología de la revisión"],
    "due list": ["<h1>Revisiones pendientes</h1>", "Descargar la lista en CSV",
                 "No hay ningún artículo pendiente de revisión."],
    "translations": ["<h1 id=\"translations-title\">Traducciones</h1>",
                     "Página 1 de 1: 1 traducción", ">Traductor</th>", "<td>Enviado</td>"],
}  # fmt: skip
ENGLISH = {
    "dashboard": ["Signed in as Dr. Ana Reyes (reviewers).", "Awaiting review (1)", "Review due",
                  ">Article</th>", ">Submitted</span>"],
    "review page": ["Readers see the version approved by Dr. Ana Reyes", "History and versions",
                    ">Checks</h2>", ">Decision</h2>", ">Timeline</h2>", "Post comment",
                    ">Approved</strong>"],
    "history": ["<h1>History and versions</h1>", "Compare versions", "Review timeline"],
    "due list": ["<h1>Review due</h1>", "Download the list as CSV",
                 "No article is due for review."],
    "translations": ["<h1 id=\"translations-title\">Translations</h1>",
                     "Page 1 of 1: 1 translation", ">Translator</th>", "<td>Submitted</td>"],
}  # fmt: skip


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)">', html)[1]


@pytest.fixture
def spanish_by_profile(client, reviewer):
    reviewer.preferred_language = "es"
    reviewer.save(update_fields=["preferred_language"])
    client.force_login(reviewer)
    return client


@pytest.fixture
def spanish_by_cookie(client, reviewer):
    client.force_login(reviewer)
    client.cookies[LANGUAGE_COOKIE] = "es"
    return client


@pytest.mark.parametrize("page", list(SPANISH))
@pytest.mark.parametrize("chosen_by", ["spanish_by_profile", "spanish_by_cookie"])
def test_a_reviewer_who_chose_spanish_reads_the_desk_in_spanish(request, desk, page, chosen_by):
    client = request.getfixturevalue(chosen_by)
    _reads(_html(client.get(desk[page])), "es", shown=SPANISH[page], hidden=ENGLISH[page])


@pytest.mark.parametrize("page", list(ENGLISH))
def test_an_english_reviewers_desk_is_unchanged(client, reviewer, desk, page):
    client.force_login(reviewer)
    _reads(_html(client.get(desk[page])), "en", shown=ENGLISH[page], hidden=SPANISH[page])


def _reads(html: str, lang: str, *, shown, hidden) -> None:
    """The page is in `lang`, with every `shown` text and none of the `hidden` ones."""
    assert _lang(html) == lang
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_the_message_after_an_action_is_in_spanish(spanish_by_profile, original):
    response = spanish_by_profile.post(
        f"/review/articles/{original.slug}/comment/", {"body": "Revisado."}, follow=True
    )
    html = _html(response)
    assert 'class="message message-success">Comentario añadido.</p>' in html
    assert "Comment added." not in html


def test_a_refused_action_says_why_in_spanish(spanish_by_cookie, original):
    response = spanish_by_cookie.post(
        f"/review/articles/{original.slug}/comment/", {"body": ""}, follow=True
    )
    assert "Escriba primero un comentario (hasta 5000 caracteres)." in _html(response)


def test_the_desk_carries_the_switcher_back_to_english_on_the_same_page(
    spanish_by_profile, reviewer, desk
):
    page = desk["review page"]
    html = _html(spanish_by_profile.get(page))
    link = re.search(r'<a href="([^"]+)" hreflang="en" lang="en"[^>]*>English</a>', html)
    assert link is not None
    assert '<span lang="es" aria-current="true">Español</span>' in html
    back = spanish_by_profile.get(link[1].replace("&amp;", "&"))
    assert back.status_code == 302 and back["Location"] == page
    reviewer.refresh_from_db()
    assert reviewer.preferred_language == "en"
    html = _html(spanish_by_profile.get(page))
    assert _lang(html) == "en" and ">Decision</h2>" in html


def test_dates_on_the_desk_are_written_the_spanish_way(spanish_by_profile, original, desk):
    html = _html(spanish_by_profile.get(desk["review page"]))
    approved = re.search(r"aprobada por .*? el (\d+ de \w+ de \d{4}), \d\d:\d\d", html, re.S)
    assert approved is not None, "the approval date reads '6 de diciembre de 2026, 14:05'"


def test_the_spanish_edit_page_keeps_the_date_its_picker_reads(client, author, make_article):
    """A date picker reads ISO dates only: written the Spanish way (21/07/2025) it shows nothing,
    and saving would drop the date."""
    article = make_article(literature_current_through=date(2025, 7, 21))
    author.preferred_language = "es"
    author.save(update_fields=["preferred_language"])
    client.force_login(author)
    html = _html(client.get(f"/review/articles/{article.slug}/edit/"))
    assert _lang(html) == "es" and "Bibliografía actualizada hasta" in html
    assert 'type="date" name="literature_current_through" value="2025-07-21"' in html
