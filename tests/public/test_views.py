"""Public pages answer HEAD, and keep answering from the database when the cache is down."""

import pytest

from config.settings.base import cache_config

# Nothing listens here: a Redis that is down.
UNREACHABLE_REDIS = "redis://127.0.0.1:6390/0"


PUBLIC_URLS = [
    "/",
    "/articles/an-article/",
    "/search/?q=platinum",
    "/editorial-policy/",
    "/healthz",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_answer_head_like_get_without_a_body(client, public_article, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


def test_a_cached_article_page_answers_head_too(client, public_article):
    client.get(public_article.get_absolute_url())
    assert client.head(public_article.get_absolute_url()).status_code == 200


def test_public_pages_still_refuse_other_methods(client, public_article):
    assert client.put(public_article.get_absolute_url()).status_code == 405


@pytest.fixture
def cache_down(settings) -> None:
    settings.CACHES = {"default": cache_config(UNREACHABLE_REDIS)}


def test_with_the_cache_down_the_article_page_comes_from_the_database(
    client, public_article, cache_down
):
    for _ in range(2):  # the second read must not rely on anything the first one kept
        response = client.get(public_article.get_absolute_url())
        assert response.status_code == 200
        assert "Platinum doublet first." in response.content.decode()
        assert "Professional medical disclaimer" in response.content.decode()


def test_with_the_cache_down_a_role_is_still_chosen_and_shown(client, public_article, cache_down):
    from personalization.models import ReaderRole

    ReaderRole.objects.create(slug="nurse", label="Nurse", audience="professional", target_grade=14)
    response = client.get(public_article.get_absolute_url(), {"role": "nurse"})
    assert response.status_code == 200
    assert response.cookies["vetted_role"].value == "nurse"


def test_with_the_cache_down_healthz_says_degraded(client, db, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["cache"].startswith("error")


def test_browsers_must_revalidate_an_article_page_and_its_withdrawal(
    client, public_article, reviewer, seen
):
    from review.services import make_move

    url = public_article.get_absolute_url()
    assert "no-cache" in client.get(url)["Cache-Control"]
    make_move(
        "withdraw",
        article=public_article,
        by=reviewer,
        seen_revision_id=seen(public_article),
        comment="Wrong dose",
    )
    gone = client.get(url)
    assert gone.status_code == 410 and "no-cache" in gone["Cache-Control"]
