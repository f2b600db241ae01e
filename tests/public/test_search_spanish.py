"""Spanish search: /es/search/ finds the Spanish translations readers can open, and only them,
accents and case aside ("quimioterapia" finds "quimioterapía", "cancer" finds "cáncer"), on
SQLite's FTS5 and on PostgreSQL's spanish_unaccent configuration (run the file with
DATABASE_URL set for the second); English search keeps to the English originals."""

import re

import pytest
from django.db import connection

from articles.search import index_articles
from articles.selectors import latest_revision_id
from review import services
from tests.translation_fixtures import approve

SPANISH_BODY = (
    "## Respuesta\n\nPrimero, la Quimioterapía con un doblete de platino contra el cáncer de "
    "pulmón.[@nccn-2024]\n"
)


def _found(client, path: str, query: str) -> list[str]:
    response = client.get(path, {"q": query})
    assert response.status_code == 200
    return re.findall(r'<li>\s*<a href="([^"]*/articles/[^"]+)">', response.content.decode())


@pytest.fixture
def translated(original, spanish_draft, author, bilingual):
    """The Spanish translation, its text with accents where a reader may type none."""
    services.edit_article(
        article=spanish_draft, by=author, seen_revision_id=latest_revision_id(spanish_draft),
        title="¿Qué va primero?", summary="La quimioterapia basada en platino va primero.",
        body=SPANISH_BODY, literature_current_through=None, comment="Tildes",
    )  # fmt: skip
    services.make_move("submit", article=spanish_draft, by=author,
                       seen_revision_id=latest_revision_id(spanish_draft))  # fmt: skip
    return approve(spanish_draft, by=bilingual)


SPANISH_PAGE = "/es/articles/platinum-first/"


@pytest.mark.parametrize(
    "query", ["quimioterapia", "Quimioterapia", "QUIMIOTERAPÍA", "cancer", "cáncer", "pulmon"]
)
def test_spanish_search_finds_the_translation_whatever_the_accents(client, translated, query):
    assert _found(client, "/es/search/", query) == [SPANISH_PAGE]


def test_spanish_search_finds_spanish_articles_only(client, translated):
    # "platinum" is a word of the English original alone; "platino" of the translation alone.
    assert _found(client, "/es/search/", "platinum") == []
    assert _found(client, "/search/", "platino") == []
    assert _found(client, "/search/", "platinum") == ["/articles/platinum-first/"]


def test_spanish_search_highlights_the_word_found(client, translated):
    html = client.get("/es/search/", {"q": "cancer"}).content.decode()
    assert "<mark>cáncer</mark>" in html


def test_a_withdrawn_translation_is_not_found(client, translated, bilingual):
    services.make_move(
        "withdraw", article=translated, by=bilingual,
        seen_revision_id=latest_revision_id(translated), comment="Una dosis mal traducida.",
    )  # fmt: skip
    assert _found(client, "/es/search/", "quimioterapia") == []


def test_rebuilding_the_index_keeps_each_language_apart(client, original, translated):
    index_articles([original.pk, translated.pk])
    assert _found(client, "/es/search/", "quimioterapia") == [SPANISH_PAGE]
    assert _found(client, "/search/", "quimioterapia") == []


@pytest.mark.needs_postgres
def test_postgresql_stems_spanish_and_ignores_accents(client, translated):
    assert connection.vendor == "postgresql"
    # Spanish stemming: "doblete"/"dobletes", "primero"/"primeros".
    assert _found(client, "/es/search/", "dobletes") == [SPANISH_PAGE]
    with connection.cursor() as cursor:
        cursor.execute("SELECT language FROM articles_searchentry WHERE article_id = %s",
                       [translated.pk])  # fmt: skip
        assert cursor.fetchone() == ("es",)
