"""A NUL character anywhere a reader can put one gets a clear 400 (PostgreSQL would 500)."""

import pytest

from config.middleware import NUL_REFUSAL


def _assert_refused(response) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == NUL_REFUSAL


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=platinum%00doublet",
        "/search/?%00=1",
        "/review/references/?q=%00",
    ],
)
def test_a_nul_in_a_query_parameter_is_refused_with_400(client, db, url):
    _assert_refused(client.get(url))


def test_a_nul_in_a_query_parameter_is_refused_for_signed_in_reviewers_too(client, reviewer):
    client.force_login(reviewer)
    _assert_refused(client.get("/review/references/", {"q": "nccn\x00"}))


def test_a_nul_in_the_path_is_refused_with_400(client, db):
    _assert_refused(client.get("/articles/an-%00article/"))


@pytest.mark.parametrize("content_type", ["multipart", "urlencoded"])
def test_a_nul_in_a_posted_field_is_refused_with_400(client, public_article, content_type):
    url = f"/articles/{public_article.slug}/questions/"
    data = {"question": "Is the dose\x00 right?", "consent": "on"}
    if content_type == "multipart":
        response = client.post(url, data)
    else:
        response = client.post(
            url, "question=Is+the+dose%00+right%3F&consent=on",
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip
    _assert_refused(response)


def test_text_without_nul_still_reaches_the_views(client, public_article):
    assert client.get("/search/", {"q": "platinum"}).status_code == 200
    assert client.get(f"/articles/{public_article.slug}/").status_code == 200


def test_an_escaped_percent_sign_is_no_nul(client, db):
    # %2500 decodes to the text "%00", not to a NUL character.
    assert client.get("/search/?q=%2500").status_code == 200
