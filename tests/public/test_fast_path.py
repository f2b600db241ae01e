"""The article page at the speed of a cached file: the same bytes for every reader of a role,
a strong ETag, and anonymous readers served before the session, auth and CSRF middleware."""

import pytest
from django.test import Client

from articles.selectors import latest_revision_id
from personalization.models import Audience, ReaderRole
from review.services import make_move
from tests.factories import SIGNED_CHECKLIST


@pytest.fixture
def approved(make_article, author, reviewer, professional_disclaimer):
    ReaderRole.objects.create(slug="patient", label="Patient", audience=Audience.LAY,
                              target_grade=8)  # fmt: skip
    article = make_article()
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    return article


def test_a_second_request_gets_304_for_its_etag(client, approved):
    url = approved.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert "public" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and b"Platinum doublet first." in other.content


def test_a_withdrawal_changes_the_etag_and_the_answer(client, approved, reviewer):
    url = approved.get_absolute_url()
    etag = client.get(url)["ETag"]
    make_move("withdraw", article=approved, by=reviewer, comment="Unsafe",
              seen_revision_id=latest_revision_id(approved))  # fmt: skip
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 410 and response["ETag"] != etag


def test_an_anonymous_hit_runs_no_session_auth_or_csrf_middleware(
    client, approved, monkeypatch, django_assert_num_queries
):
    url = approved.get_absolute_url()
    client.get(url)  # cached now

    def refuse(*args, **kwargs):
        raise AssertionError("the fast path ran the session or auth middleware")

    monkeypatch.setattr("django.contrib.sessions.middleware.SessionMiddleware.process_request",
                        refuse)  # fmt: skip
    with django_assert_num_queries(1):  # the public pointer: which edition readers see now
        response = Client().get(url)
    assert response.status_code == 200
    assert b"Platinum doublet first." in response.content
    assert response["Content-Security-Policy"] and response["X-Frame-Options"] == "DENY"


def test_each_role_has_an_address_of_its_own(client, approved):
    response = client.get(f"/articles/{approved.slug}/for/patient/")
    assert response.status_code == 200
    assert "Patient" in response.content.decode() and "Cookie" not in response.get("Vary", "")
    assert client.get(f"/articles/{approved.slug}/for/astronaut/").status_code == 404
    # The same page as the shareable ?role= link.
    shared = Client().get(f"/articles/{approved.slug}/?role=patient")
    assert shared.content == response.content
    assert shared.cookies["vetted_role"].value == "patient"


def test_a_remembered_role_is_served_from_the_cache_too(approved):
    reader = Client()
    reader.get(f"/articles/{approved.slug}/?role=patient")  # chooses and caches
    again = reader.get(approved.get_absolute_url())  # by the cookie now
    assert again.status_code == 200 and "Cookie" in again["Vary"]
    assert 'value="patient" selected' in again.content.decode()


def test_a_signed_in_reader_gets_a_private_page(client, approved, author):
    client.force_login(author)
    response = client.get(approved.get_absolute_url())
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert "Sign out" in response.content.decode()


def test_the_role_link_sets_the_same_cookie_django_would(approved):
    from django.http import HttpResponse

    Client().get(f"/articles/{approved.slug}/?role=patient")  # stored now
    response = Client().get(f"/articles/{approved.slug}/?role=patient")
    expected = HttpResponse()
    expected.set_cookie("vetted_role", "patient", max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True)  # fmt: skip
    sent = response.cookies["vetted_role"]
    assert sent.OutputString() == expected.cookies["vetted_role"].OutputString()
    assert response["Cache-Control"] == "private, no-cache"
    # Each response has its own cookie: changing one leaves the next reader's alone.
    sent["max-age"] = 5
    assert "Max-Age=5" in sent.OutputString()
    later = Client().get(f"/articles/{approved.slug}/?role=patient")
    assert "Max-Age=31536000" in later.cookies["vetted_role"].OutputString()


@pytest.mark.parametrize(
    "query", ["?role=patient", "?utm_source=mail&role=patient", "?role=patient&utm_source=mail"]
)
def test_the_role_link_is_read_with_other_parameters_too(approved, query):
    Client().get(f"/articles/{approved.slug}/for/patient/")  # stored now
    response = Client().get(f"/articles/{approved.slug}/{query}")
    assert response.cookies["vetted_role"].value == "patient"
    assert 'value="patient" selected' in response.content.decode()
