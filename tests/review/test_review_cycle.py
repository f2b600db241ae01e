"""The review cycle and the provenance a clinician checks: four dates, an overdue notice, the
"Review due" queue, "Confirm still current", JSON-LD and how to cite."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Edition
from articles.selectors import latest_revision_id
from outbox.models import Email
from review.services import make_move
from review.tasks import flag_reviews_due
from tests.factories import SIGNED_CHECKLIST


@pytest.fixture
def approved(make_article, author, reviewer, professional_disclaimer):
    article = make_article()
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    article.refresh_from_db()
    return article


def _json_ld(html: str) -> dict:
    return json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])


def test_the_page_shows_the_four_dates(client, approved):
    approved.literature_current_through = date(2025, 7, 21)
    Article.objects.filter(pk=approved.pk).update(literature_current_through=date(2025, 7, 21))
    edition = approved.public_edition
    assert edition.next_review_due == edition.published_at.date().replace(
        year=edition.published_at.year + 1
    )
    html = client.get(approved.get_absolute_url()).content.decode()
    dates = html.split('<dl class="dates">')[1].split("</dl>")[0]
    for label in ("Last reviewed", "Last updated", "Next review due"):
        assert label in dates
    assert edition.next_review_due.strftime("%B") in dates


def test_a_due_review_is_queued_and_the_board_told_readers_keep_the_text(
    client, approved, reviewer, django_capture_on_commit_callbacks
):
    due_day = approved.public_edition.next_review_due
    assert flag_reviews_due(today=(due_day - timedelta(days=1)).isoformat()) == 0
    assert flag_reviews_due(today=due_day.isoformat()) == 1
    approved.refresh_from_db()
    assert approved.is_due_for_review and "Scheduled review" in approved.review_due_reason
    assert Email.objects.filter(to=reviewer.email, subject__contains="due for review").count() == 1
    assert flag_reviews_due(today=due_day.isoformat()) == 0  # once
    assert client.get(approved.get_absolute_url()).status_code == 200  # still readable

    client.force_login(reviewer)
    page = client.get("/review/due/").content.decode()
    assert approved.title in page and "Due for review</dt><dd>1" in page
    export = client.get("/review/due/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:2] == ["slug", "title"] and rows[1][0] == approved.slug


def test_readers_are_told_when_the_review_is_overdue(client, approved, settings):
    settings.VETTED_REVIEW_GRACE_DAYS = 30
    url = approved.get_absolute_url()
    assert "Overdue for review" not in client.get(url).content.decode()
    later = approved.public_edition.next_review_due + timedelta(days=31)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *a, **k: later)
        Article.objects.get(pk=approved.pk).save(update_fields=["updated_at"])  # a new day's page
        assert "Overdue for review" in client.get(url).content.decode()


def test_confirm_still_current_records_a_review_without_changing_the_text(
    client, approved, reviewer2, author
):
    Article.objects.filter(pk=approved.pk).update(  # test setup: the daily task's flag
        review_due_since=timezone.now(), review_due_reason="Scheduled review"
    )
    client.force_login(reviewer2)
    page = client.get(f"/review/articles/{approved.slug}/").content.decode()
    assert ">Confirm still current</button>" in page
    response = client.post(
        f"/review/articles/{approved.slug}/confirm_current/",
        {"seen_revision_id": latest_revision_id(approved), "comment": ""},
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    edition = approved.public_edition
    assert edition.number == 2 and edition.revision_id == approved.live_revision_id
    assert (
        edition.change_note == "Reviewed, no changes." and edition.approver_name == "Dr. Tomas Lind"
    )
    assert not approved.is_due_for_review
    html = client.get(approved.get_absolute_url()).content.decode()
    assert "Reviewed, no changes." in html and "Platinum doublet first." in html
    # Its author may not confirm it.
    author.groups.add(*reviewer2.groups.all())
    client.force_login(author)
    refused = client.post(f"/review/articles/{approved.slug}/confirm_current/",
                          {"seen_revision_id": latest_revision_id(approved)})  # fmt: skip
    assert refused.status_code == 403


def test_json_ld_describes_the_published_edition(client, approved, make_reference):
    html = client.get(approved.get_absolute_url()).content.decode()
    data = _json_ld(html)
    assert data["@type"] == "MedicalWebPage" and data["name"] == "What is the answer?"
    assert data["url"].endswith(f"/articles/{approved.slug}/")
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr. Ana Reyes",
                                  "honorificSuffix": "MD, Oncology"}  # fmt: skip
    assert data["author"][0]["name"] == "Sam Carter"
    assert data["lastReviewed"] == approved.public_edition.published_at.date().isoformat()
    assert data["dateModified"] and data["audience"]["audienceType"] == "Clinician"
    assert data["citation"][0]["name"] == "Reference nccn-2024"


@pytest.fixture
def cites_a_journal_article(
    make_article, make_reference, author, reviewer, professional_disclaimer
):
    make_reference(
        "li-2022", title="Trastuzumab Deruxtecan in HER2-Mutant NSCLC", source="N Engl J Med",
        year=2022, volume="386", issue="3", pages="241-251", authors="Li BT, Smit EF",
    )  # fmt: skip
    article = make_article(slug="t-dxd", body="## Answer\n\nT-DXd second.[@li-2022]\n")
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    article.refresh_from_db()
    return article


def test_volume_issue_and_pages_reach_the_reference_list_and_the_citation_data(
    client, cites_a_journal_article
):
    html = client.get(cites_a_journal_article.get_absolute_url()).content.decode()
    listed = html.split('id="references-title"')[1].split("</section>")[0]
    assert "Li BT, Smit EF. N Engl J Med. 2022;386(3):241-251" in listed
    [citation] = _json_ld(html)["citation"]
    assert citation["@type"] == "ScholarlyArticle" and citation["pagination"] == "241-251"
    assert citation["isPartOf"] == {
        "@type": "PublicationIssue", "issueNumber": "3",
        "isPartOf": {"@type": "PublicationVolume", "volumeNumber": "386",
                     "isPartOf": {"@type": "Periodical", "name": "N Engl J Med"}},
    }  # fmt: skip


def test_editions_carry_volume_issue_and_pages_as_published(cites_a_journal_article):
    from articles.models import Reference

    Reference.objects.filter(key="li-2022").update(pages="241-51")  # a later correction
    [stored] = cites_a_journal_article.public_edition.renditions[""]["references"]
    assert (stored["volume"], stored["issue"], stored["pages"]) == ("386", "3", "241-251")


def test_an_approval_made_before_volume_issue_and_pages_keeps_its_fingerprint():
    """The fingerprint of a text whose references have none is what it was before the fields
    existed, so `verify_editions` passes for every earlier edition."""
    import hashlib

    from articles.selectors import ArticleContent, CitedReference

    old_fields = {"key": "a", "kind_label": "Research", "title": "T", "source": "J", "year": 2020,
                  "authors": "", "doi": "", "pmid": "", "url": "", "number": 1}  # fmt: skip
    content = ArticleContent(
        title="Q", summary="S", body_html="<p>x</p>", references=(CitedReference(**old_fields),),
        literature_current_through=None, updated_at=None,
    )  # fmt: skip
    before = json.dumps(["Q", "S", "<p>x</p>", [old_fields]], sort_keys=True, default=str)
    assert content.sha256 == hashlib.sha256(before.encode()).hexdigest()


def test_json_ld_cannot_close_its_script_element(client, make_article, author, reviewer):
    article = make_article(title="Is </script><script>alert(1)</script> safe?")
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert _json_ld(html)["name"] == "Is </script><script>alert(1)</script> safe?"


def test_how_to_cite_names_the_edition_permalink(client, approved, settings):
    settings.VETTED_SITE_URL = "https://vetted.example.org"
    Article.objects.get(pk=approved.pk).save(update_fields=["updated_at"])
    html = client.get(approved.get_absolute_url()).content.decode()
    cite = html.split('id="cite-title"')[1].split("</section>")[0]
    assert f"https://vetted.example.org/articles/{approved.slug}/editions/1/" in cite
    assert "edition 1" in cite


def test_editions_keep_their_authors_and_topics_as_published(approved):
    edition = Edition.objects.get(pk=approved.public_edition_id)
    assert edition.authors == [{"name": "Sam Carter", "credentials": "", "username": "author"}]


def test_a_flagged_reference_sends_every_citing_article_back_to_the_board(
    client, approved, admin_user, reviewer
):
    client.force_login(admin_user)
    reference = approved.citations.get().reference
    response = client.post(
        f"/admin/articles/reference/{reference.pk}/change/",
        {
            "key": reference.key, "kind": reference.kind, "title": reference.title,
            "source": reference.source, "year": reference.year, "authors": "", "doi": "",
            "pmid": "", "url": "", "flag": "retracted", "flagged_on": "2026-11-20",
            "flag_note": "Retracted for data irregularities",
        },
    )  # fmt: skip
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.is_due_for_review
    assert "[@nccn-2024] flagged: retracted on November 20, 2026" in approved.review_due_reason
    assert client.get(approved.get_absolute_url()).status_code == 200  # readers keep the text
    client.force_login(reviewer)
    page = client.get(f"/review/articles/{approved.slug}/").content.decode()
    assert "Retracted for data irregularities" in page and "Due for review" in page
    assert approved.title in client.get("/review/due/").content.decode()


def test_only_admins_flag_references(approved, reviewer):
    from review.errors import NotAllowed
    from review.services import flag_reference

    reference = approved.citations.get().reference
    with pytest.raises(NotAllowed):
        flag_reference(reference=reference, by=reviewer)


def test_a_reference_list_entry_has_one_full_stop_after_et_al(
    client, make_article, make_reference, author, reviewer, professional_disclaimer
):
    make_reference("le-2022", title="Poziotinib", source="J Clin Oncol", year=2022,
                   authors="Le X, Cornelissen R, et al.")  # fmt: skip
    article = make_article(slug="poziotinib", body="## Answer\n\nPoziotinib.[@le-2022]\n")
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Le X, Cornelissen R, et al. J Clin Oncol. 2022</span>" in html
