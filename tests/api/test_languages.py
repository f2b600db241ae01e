"""`?lang=` in the API: the Spanish translation's approved edition in the same shape, saying which
English edition it translates and whether it is behind; an unknown language is refused (400),
an article without an approved Spanish translation is 404 saying so."""

from articles.selectors import latest_revision_id
from config.site import site_url
from review import services
from tests.translation_fixtures import new_english_edition

ARTICLE = "/api/v1/articles/platinum-first/"


def test_the_article_in_spanish(client, original, spanish_approved):
    response = client.get(ARTICLE, {"lang": "es"})
    assert response.status_code == 200
    data = response.json()
    assert data["language"] == "es" and data["slug"] == "platinum-first"
    assert data["title"] == "¿Qué va primero?" and "doblete de platino" in data["body_html"]
    assert data["edition"] == 1
    assert data["translates"] == {"edition": 1, "is_behind": False, "editions_behind": 0}
    assert data["url"] == site_url("/es/articles/platinum-first/")


def test_the_article_in_english_is_as_it_was(client, original, spanish_approved):
    for query in ({}, {"lang": "en"}, {"lang": ""}):
        data = client.get(ARTICLE, query).json()
        assert data["language"] == "en" and data["title"] == "What comes first?", query
        assert data["translates"] is None
        assert data["url"] == site_url("/articles/platinum-first/")


def test_a_translation_says_when_the_original_moved_on(
    client, author, reviewer, original, spanish_approved
):
    new_english_edition(original, author=author, reviewer=reviewer)
    data = client.get(ARTICLE, {"lang": "es"}).json()
    assert data["translates"] == {"edition": 1, "is_behind": True, "editions_behind": 1}
    [listed] = client.get("/api/v1/articles/", {"lang": "es"}).json()["results"]
    assert listed["translates"] == {"edition": 1, "is_behind": True, "editions_behind": 1}


def test_an_unknown_language_is_refused(client, original):
    response = client.get(ARTICLE, {"lang": "fr"})
    assert response.status_code == 400
    assert "give one of en, es" in response.json()["lang"][0]
    assert client.get("/api/v1/articles/", {"lang": "xx"}).status_code == 400
    assert client.get(f"{ARTICLE}editions/", {"lang": "fr"}).status_code == 400


def test_no_spanish_translation_is_404_saying_so(client, original, spanish_draft):
    response = client.get(ARTICLE, {"lang": "es"})
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "This article has no Spanish translation approved by the board."
    )
    assert client.get(f"{ARTICLE}editions/1/", {"lang": "es"}).status_code == 404


def test_a_withdrawn_translation_is_410_with_its_reason(
    client, original, spanish_approved, bilingual
):
    services.make_move(
        "withdraw", article=spanish_approved, by=bilingual,
        seen_revision_id=latest_revision_id(spanish_approved), comment="Una dosis mal traducida.",
    )  # fmt: skip
    response = client.get(ARTICLE, {"lang": "es"})
    assert response.status_code == 410
    assert response.json()["reason"] == "Una dosis mal traducida."


def test_the_list_and_editions_in_spanish(client, original, spanish_approved):
    [listed] = client.get("/api/v1/articles/", {"lang": "es"}).json()["results"]
    assert listed["slug"] == "platinum-first" and listed["language"] == "es"
    assert listed["api_url"] == site_url(f"{ARTICLE}?lang=es")
    assert listed["url"] == site_url("/es/articles/platinum-first/")
    [english] = client.get("/api/v1/articles/").json()["results"]
    assert english["language"] == "en" and english["translates"] is None

    [edition] = client.get(f"{ARTICLE}editions/", {"lang": "es"}).json()["results"]
    assert edition["translates"] == 1
    assert edition["api_url"] == site_url(f"{ARTICLE}editions/1/?lang=es")
    page = client.get(f"{ARTICLE}editions/1/", {"lang": "es"}).json()
    assert page["language"] == "es" and page["title"] == "¿Qué va primero?"
    assert page["translates"]["edition"] == 1
