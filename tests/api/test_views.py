"""The read-only API: approved editions only, by role, with ETags and a rate limit."""

import json
from datetime import timedelta

import pytest

from api.pagination import NewestFirst, ReferencePages
from articles.models import Reference
from articles.services import save_reference

SITE = "https://vetted.example.org"


@pytest.fixture(autouse=True)
def site_address(settings):
    """Not the test client's host (testserver): links come from VETTED_SITE_URL."""
    settings.VETTED_SITE_URL = SITE


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_the_list_holds_approved_articles_only(client, published, pending, withdrawn):
    assert _slugs(client.get("/api/v1/articles/")) == ["first-line-nsclc"]


def test_the_list_shows_each_article_as_its_current_edition(client, published, topic):
    [item] = client.get("/api/v1/articles/").json()["results"]
    assert item["title"] == "What is first-line treatment?"
    assert item["summary"] == "A doublet."
    assert item["edition"] == 1
    assert item["url"] == f"{SITE}/articles/first-line-nsclc/"
    assert item["api_url"] == f"{SITE}/api/v1/articles/first-line-nsclc/"
    assert item["topics"] == [{"slug": "lung-cancer", "name": "Lung cancer"}]


def test_the_list_filters_by_topic(client, published, make_article, approve, other_topic):
    heart = make_article(slug="heart-article", title="Heart?")
    heart.topics.add(other_topic)
    approve(heart)
    assert _slugs(client.get("/api/v1/articles/?topic=heart-failure")) == ["heart-article"]
    assert _slugs(client.get("/api/v1/articles/?topic=lung-cancer")) == ["first-line-nsclc"]
    assert _slugs(client.get("/api/v1/articles/?topic=no-such-topic")) == []


def test_changed_since_keeps_articles_approved_at_or_after_it(client, published):
    at = published.published_at
    since = (at - timedelta(seconds=1)).isoformat()
    assert _slugs(client.get("/api/v1/articles/", {"changed_since": since})) == [published.slug]
    assert _slugs(client.get("/api/v1/articles/", {"changed_since": at.isoformat()})) == [
        published.slug
    ]
    later = (at + timedelta(seconds=1)).isoformat()
    assert _slugs(client.get("/api/v1/articles/", {"changed_since": later})) == []


@pytest.mark.parametrize("value", ["last-tuesday", "", "2026-13-45T00:00:00Z"])
def test_a_bad_changed_since_is_refused_with_a_message(client, published, value):
    response = client.get("/api/v1/articles/", {"changed_since": value})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["changed_since"][0]


def test_the_list_is_paginated_newest_first(client, make_article, approve, monkeypatch):
    for n in range(3):
        approve(make_article(slug=f"article-{n}", title=f"Question {n}?"))
    monkeypatch.setattr(NewestFirst, "page_size", 2)
    first = client.get("/api/v1/articles/").json()
    second = client.get(first["next"]).json()
    assert [a["slug"] for a in first["results"]] == ["article-2", "article-1"]
    assert [a["slug"] for a in second["results"]] == ["article-0"]
    assert second["next"] is None


def test_links_and_pages_name_the_site_whatever_host_was_asked(
    client, published, make_article, make_reference, approve, monkeypatch
):
    make_reference("other-2024")
    approve(make_article(slug="second-article", body="## A\n\nCites.[@other-2024]\n"))
    monkeypatch.setattr(NewestFirst, "page_size", 1)
    monkeypatch.setattr(ReferencePages, "page_size", 1)
    answers = {}
    for host in ("testserver", "localhost"):
        listed = client.get("/api/v1/articles/", headers={"host": host})
        [item] = listed.json()["results"]
        assert item["url"].startswith(f"{SITE}/articles/")
        assert listed.json()["next"].startswith(f"{SITE}/api/v1/articles/?cursor=")
        references = client.get("/api/v1/references/", headers={"host": host}).json()
        assert references["next"] == f"{SITE}/api/v1/references/?page=2"
        detail = client.get("/api/v1/articles/first-line-nsclc/", headers={"host": host})
        answers[host] = (listed["ETag"], detail["ETag"])
    assert answers["testserver"] == answers["localhost"]  # the same answer for every host


def test_an_article_is_its_current_approved_edition(client, published):
    body = client.get("/api/v1/articles/first-line-nsclc/").json()
    assert body["edition"] == 1
    assert body["title"] == "What is first-line treatment?"
    assert "Platinum doublet first." in body["body_html"]
    assert body["role"] is None and body["written_for"] is None
    assert body["approver"] == {"name": "Dr. Ana Reyes", "credentials": "MD, Oncology"}
    assert body["approvers"] == [{"name": "Dr. Ana Reyes", "credentials": "MD, Oncology"}]
    assert body["url"] == f"{SITE}/articles/first-line-nsclc/"
    assert body["topics"] == [{"slug": "lung-cancer", "name": "Lung cancer"}]
    assert [entry["number"] for entry in body["change_log"]] == [1]
    assert body["change_log"][0]["note"] == "First edition."
    [reference] = body["references"]
    assert (reference["key"], reference["number"]) == ("nccn-2024", 1)
    assert body["published_at"].startswith(str(published.published_at.date()))


def test_role_picks_the_reader_version_or_its_fallback(client, published):
    patient = client.get("/api/v1/articles/first-line-nsclc/?role=patient").json()
    assert (patient["role"], patient["written_for"]) == ("patient", "patient")
    assert patient["summary"] == "Two drugs together."
    assert "Two drugs, one with platinum." in patient["body_html"]
    caregiver = client.get("/api/v1/articles/first-line-nsclc/?role=caregiver").json()
    assert (caregiver["role"], caregiver["written_for"]) == ("caregiver", "patient")
    physician = client.get("/api/v1/articles/first-line-nsclc/?role=physician").json()
    assert (physician["role"], physician["written_for"]) == ("physician", None)
    assert "Platinum doublet first." in physician["body_html"]


def test_an_unknown_role_reads_the_default_text_and_is_not_echoed(client, published):
    body = client.get("/api/v1/articles/first-line-nsclc/?role=<astronaut>").json()
    assert (body["role"], body["written_for"]) == (None, None)
    assert "Platinum doublet first." in body["body_html"]
    assert "astronaut" not in str(body)


def test_an_approved_article_keeps_its_approved_text_while_a_revision_is_drafted(
    client, published, revise
):
    revise(published, "## Answer\n\nAn unreviewed draft sentence.[@nccn-2024]\n")
    body = client.get("/api/v1/articles/first-line-nsclc/").json()
    assert "Platinum doublet first." in body["body_html"]
    assert "unreviewed" not in str(body)


def test_a_never_approved_article_is_not_found(client, pending, settings):
    settings.VETTED_SHOW_UNAPPROVED = True  # readers of the site may see it; the API never
    assert client.get("/articles/awaiting-review/").status_code == 200
    for url in (
        "/api/v1/articles/awaiting-review/",
        "/api/v1/articles/awaiting-review/editions/",
        "/api/v1/articles/awaiting-review/editions/1/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Pending question" not in response.content.decode()


def test_a_withdrawn_article_is_gone_with_the_reason(client, withdrawn):
    for url in (
        "/api/v1/articles/withdrawn-one/",
        "/api/v1/articles/withdrawn-one/editions/",
        "/api/v1/articles/withdrawn-one/editions/1/",
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        body = response.json()
        assert body["reason"] == "A trial it relied on was retracted."
        assert "body_html" not in body and body["withdrawn_at"]


def test_a_new_approval_brings_a_withdrawn_article_back(client, withdrawn, approve):
    approve(withdrawn, note="Rewritten without the retracted trial.")
    body = client.get("/api/v1/articles/withdrawn-one/").json()
    assert body["edition"] == 2
    assert body["change_note"] == "Rewritten without the retracted trial."


def test_editions_are_listed_newest_first_and_each_reads_as_published(
    client, published, revise, approve
):
    revise(published, "## Answer\n\nA doublet, then T-DXd.[@nccn-2024]\n")
    approve(published, note="Added second-line T-DXd.")
    editions = client.get("/api/v1/articles/first-line-nsclc/editions/").json()["results"]
    assert [(e["number"], e["note"]) for e in editions] == [
        (2, "Added second-line T-DXd."),
        (1, "First edition."),
    ]
    assert editions[1]["url"] == f"{SITE}/articles/first-line-nsclc/editions/1/"
    assert editions[1]["approver"]["name"] == "Dr. Ana Reyes"
    first = client.get(editions[1]["api_url"]).json()
    assert "Platinum doublet first." in first["body_html"] and "T-DXd" not in first["body_html"]
    assert first["url"] == f"{SITE}/articles/first-line-nsclc/editions/1/"
    current = client.get("/api/v1/articles/first-line-nsclc/").json()
    assert current["edition"] == 2 and "T-DXd" in current["body_html"]
    assert [entry["number"] for entry in current["change_log"]] == [1, 2]


@pytest.mark.parametrize("number", ["99", "0", "one", "-1"])
def test_a_missing_edition_is_a_json_404(client, published, number):
    response = client.get(f"/api/v1/articles/first-line-nsclc/editions/{number}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_anything_else_under_the_api_is_a_json_404(client, db):
    response = client.get("/api/v1/no/such/thing/")
    assert response.status_code == 404 and response.json() == {"detail": "No such API resource."}


def test_references_are_those_approved_editions_cite(client, published, pending, withdrawn):
    listed = client.get("/api/v1/references/").json()
    assert [r["key"] for r in listed["results"]] == ["nccn-2024"]
    [reference] = listed["results"]
    assert reference["cited_by_count"] == 1  # not the withdrawn article
    citing = client.get(reference["cited_by_url"]).json()["results"]
    assert [a["slug"] for a in citing] == ["first-line-nsclc"]
    assert client.get("/api/v1/references/nccn-2024/").json()["title"] == "Reference nccn-2024"
    assert client.get("/api/v1/references/draft-only-trial/").status_code == 404


def test_an_edition_written_before_volume_issue_and_pages_is_read_without_them(client, published):
    from django.db import connection

    from articles.models import Edition

    edition = Edition.objects.get(pk=published.public_edition_id)
    renditions = edition.renditions
    for page in renditions.values():
        for reference in page["references"]:
            for name in ("volume", "issue", "pages"):
                del reference[name]
    with connection.cursor() as cursor:  # the old shape, as an edition of then holds it
        table = Edition._meta.db_table
        cursor.execute(
            f"UPDATE {table} SET renditions = %s WHERE id = %s",
            [json.dumps(renditions), edition.pk],
        )
    listed = client.get("/api/v1/references/nccn-2024/").json()
    assert (listed["volume"], listed["issue"], listed["pages"]) == ("", "", "")
    assert client.get("/api/v1/articles/first-line-nsclc/").status_code == 200


def test_a_reference_only_a_draft_cites_is_not_listed(client, published, make_reference, revise):
    make_reference("new-trial", title="Not yet reviewed")
    client.get("/api/v1/references/")  # the index is built and cached
    revise(published, "## Answer\n\nSee the new trial.[@new-trial][@nccn-2024]\n")
    assert [r["key"] for r in client.get("/api/v1/references/").json()["results"]] == ["nccn-2024"]


def test_references_read_as_published_and_follow_withdrawals(client, published, author, withdraw):
    reference = Reference.objects.get(key="nccn-2024")
    reference.title = "Edited after approval"
    reference.save()
    assert client.get("/api/v1/references/nccn-2024/").json()["title"] == "Reference nccn-2024"
    withdraw(published)
    assert client.get("/api/v1/references/nccn-2024/").status_code == 404


def test_a_repeated_read_with_the_etag_is_not_modified(client, published):
    first = client.get("/api/v1/articles/first-line-nsclc/?role=patient")
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "no-cache" in first["Cache-Control"]
    again = client.get("/api/v1/articles/first-line-nsclc/?role=patient", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    other_role = client.get("/api/v1/articles/first-line-nsclc/", HTTP_IF_NONE_MATCH=etag)
    assert other_role.status_code == 200 and other_role["ETag"] != etag


def test_a_list_etag_changes_when_an_article_is_withdrawn(client, published, withdraw):
    etag = client.get("/api/v1/articles/")["ETag"]
    assert client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    withdraw(published)  # no published_at moves: the ETag must still change
    response = client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_detail_etag_changes_when_the_topics_do(client, published, other_topic):
    etag = client.get("/api/v1/articles/first-line-nsclc/")["ETag"]
    published.topics.add(other_topic)
    response = client.get("/api/v1/articles/first-line-nsclc/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and len(response.json()["topics"]) == 2


def test_a_withdrawn_article_is_never_answered_not_modified(client, published, withdraw):
    etag = client.get("/api/v1/articles/first-line-nsclc/")["ETag"]
    withdraw(published)
    response = client.get("/api/v1/articles/first-line-nsclc/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 410


def test_requests_past_the_rate_are_refused_per_address(client, published, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/min"}
    }  # fmt: skip
    for _ in range(3):
        assert client.get("/api/v1/articles/").status_code == 200
    refused = client.get("/api/v1/articles/first-line-nsclc/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get("/api/v1/articles/", REMOTE_ADDR="10.9.8.7").status_code == 200
    forged = client.get("/api/v1/articles/", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert forged.status_code == 429  # no trusted proxy: the header is not the address


def test_the_schema_is_openapi_3_and_names_every_endpoint(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/articles/{slug}/editions/",
        "/api/v1/articles/{slug}/editions/{number}/",
        "/api/v1/references/",
        "/api/v1/references/{key}/",
    }
    assert all(set(path) == {"get"} for path in schema["paths"].values())  # read-only


def test_the_docs_page_loads_its_scripts_from_this_site(client, db):
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<style>" not in html and "<script>" not in html  # nothing the CSP refuses inline
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/' in html
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_a_page_that_is_not_one_whole_number_gets_a_400_with_a_message(client, db):
    for query in ("page=abc", "page=1&page=2", "page=1.5"):
        response = client.get(f"/api/v1/references/?{query}")
        assert response.status_code == 400, query
        assert "page number" in str(response.json())
    assert client.get("/api/v1/references/?page=0").status_code == 404


def test_changed_since_takes_any_offset_python_reads(client, db):
    response = client.get("/api/v1/articles/?changed_since=1581-10-01T02:35:29%2B18:32")
    assert response.status_code == 200


def test_a_reference_cited_by_many_articles_is_one_bounded_entry(
    client, published, make_article, approve, django_assert_max_num_queries
):
    for n in range(12):
        approve(make_article(slug=f"also-{n}", title=f"Also {n}?", summary="Also."))
    client.get("/api/v1/references/")  # the counts are read and kept
    with django_assert_max_num_queries(4):
        listed = client.get("/api/v1/references/").json()
    [reference] = listed["results"]
    assert reference["cited_by_count"] == 13 and "cited_by" not in reference
    # Who cites it: the article list, a cursor page at a time.
    first = client.get(reference["cited_by_url"]).json()
    assert len(first["results"]) == 13
    assert client.get("/api/v1/articles/?cites=no-such-key").json()["results"] == []


def test_an_edition_records_the_keys_it_cites(published):
    from articles.models import EditionReference

    rows = EditionReference.objects.filter(edition=published.public_edition_id)
    assert list(rows.values_list("key", "article", "published_at")) == [
        ("nccn-2024", published.pk, published.public_edition.published_at)
    ]


def test_a_reference_reads_as_its_newest_published_citation_and_follows_each_act(
    client, published, author, make_article, make_reference, approve, revise, withdraw
):
    """The count and the wording shown move with each approval and withdrawal: the newest
    citing edition's wording, the next newest when that one is withdrawn, and the key leaves the
    list when no published article cites it any more."""

    def listed() -> dict[str, tuple[int, str]]:
        results = client.get("/api/v1/references/").json()["results"]
        return {r["key"]: (r["cited_by_count"], r["title"]) for r in results}

    reference = Reference.objects.get(key="nccn-2024")
    reference.title = "Updated guideline"
    save_reference(reference=reference, by=author, comment="New edition of the guideline")
    assert listed() == {"nccn-2024": (1, "Reference nccn-2024")}  # as the edition holds it
    newer = approve(make_article(slug="newer", title="Newer?"))
    assert listed() == {"nccn-2024": (2, "Updated guideline")}
    withdraw(newer)
    assert listed() == {"nccn-2024": (1, "Reference nccn-2024")}
    withdraw(published)
    assert listed() == {}
    approve(newer, "Reviewed again.")  # back on the list
    assert listed() == {"nccn-2024": (1, "Updated guideline")}
    make_reference("other-trial")
    approve(revise(newer, "## Answer\n\nAnother trial.[@other-trial]\n"), "New trial.")
    assert listed() == {"other-trial": (1, "Reference other-trial")}


def test_the_schema_is_built_once_a_language_so_a_spanish_request_leaves_the_english_alone(
    client, db
):
    """`?lang=es` translates DRF's own descriptions; the English schema asked for after it is
    still English (the process keeps one schema a version and language)."""
    spanish = client.get("/api/v1/schema/?format=json&lang=es").json()
    english = client.get("/api/v1/schema/?format=json").json()
    assert spanish != english
    assert english == client.get("/api/v1/schema/?format=json&lang=en").json()
    assert "A page number within the paginated result set." in json.dumps(english)
