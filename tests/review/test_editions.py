"""Editions: every approved text kept as published, read by the public site, checked for good."""

import json
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Edition, ImmutableEdition, Reference
from articles.selectors import latest_revision_id
from articles.services import save_reference
from public import page_cache
from publishing.editions import backfill, check_seal, legacy_sha256
from review.errors import InvalidTransition
from review.services import edit_article, make_move
from tests.factories import SIGNED_CHECKLIST

STORED_EDITION = Path(__file__).parent / "fixtures" / "edition_2026_11.json"


def _approve(article, author, reviewer, note=""):
    seen = latest_revision_id
    if article.state in ("draft", "changes_requested", "withdrawn"):
        make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    make_move(
        "approve",
        article=article,
        by=reviewer,
        seen_revision_id=seen(article),
        note=note,
        checklist=SIGNED_CHECKLIST,
    )
    return article.public_edition


def _edit(article, author, body):
    edit_article(
        article=article, by=author, seen_revision_id=latest_revision_id(article),
        title=article.title, summary=article.summary, body=body,
        literature_current_through=None, comment="Revised",
    )  # fmt: skip


@pytest.fixture
def approved(make_article, author, reviewer, professional_disclaimer):
    article = make_article()
    _approve(article, author, reviewer)
    return article


def test_an_approval_writes_edition_one_as_published(approved, reviewer):
    edition = Edition.objects.approved().get(article=approved)
    assert edition.number == 1 and edition.revision_id == approved.live_revision_id
    assert (edition.approver_name, edition.approver_credentials) == (
        "Dr. Ana Reyes",
        "MD, Oncology",
    )
    assert edition.change_log[0]["note"] == "First edition."
    assert "Platinum doublet first." in edition.renditions[""]["body_html"]
    assert edition.renditions[""]["references"][0]["key"] == "nccn-2024"
    assert edition.content_sha256 == approved.approved_sha256
    assert check_seal(edition) == [] and edition.stored_sha256_version == 3


def test_the_approver_is_kept_as_they_were_that_day(client, approved, reviewer):
    reviewer.credentials = "MD, PhD, Oncology (since promoted)"
    reviewer.save()
    html = client.get(approved.get_absolute_url()).content.decode()
    assert "Dr. Ana Reyes, MD, Oncology" in html and "since promoted" not in html


def test_a_second_edition_needs_a_public_note_and_both_are_in_the_change_log(
    client, approved, author, reviewer2
):
    _edit(approved, author, "## Answer\n\nPlatinum doublet, then T-DXd.[@nccn-2024]\n")
    make_move("submit", article=approved, by=author, seen_revision_id=latest_revision_id(approved))
    make_move("start_review", article=approved, by=reviewer2,
              seen_revision_id=latest_revision_id(approved))  # fmt: skip
    with pytest.raises(InvalidTransition, match="note for readers"):
        make_move("approve", article=approved, by=reviewer2,
                  seen_revision_id=latest_revision_id(approved),
                  checklist=SIGNED_CHECKLIST)  # fmt: skip
    make_move("approve", article=approved, by=reviewer2, note="Added second-line T-DXd.",
              seen_revision_id=latest_revision_id(approved),
              checklist=SIGNED_CHECKLIST)  # fmt: skip

    numbers = list(
        Edition.objects.approved().filter(article=approved).values_list("number", flat=True)
    )
    assert sorted(numbers) == [1, 2]
    html = client.get(approved.get_absolute_url()).content.decode()
    log = html.split('id="changes-title"')[1].split("</section>")[0]
    assert "Added second-line T-DXd." in log and "First edition." in log
    assert f"/articles/{approved.slug}/editions/1/" in log
    assert f"/articles/{approved.slug}/editions/2/" in log


def test_an_edition_is_never_changed_or_deleted(approved):
    edition = Edition.objects.get(article=approved, kind="approved")
    edition.title = "Rewritten history"
    with pytest.raises(ImmutableEdition):
        edition.save()
    with pytest.raises(ImmutableEdition):
        edition.delete()
    with pytest.raises(ImmutableEdition):
        Edition.objects.filter(pk=edition.pk).update(title="Rewritten history")
    with pytest.raises(ImmutableEdition):
        Edition.objects.filter(pk=edition.pk).delete()
    assert Edition.objects.get(pk=edition.pk).title == "What is the answer?"


def test_the_page_reads_the_edition_not_the_revisions(client, approved, author, monkeypatch):
    # A reference edited after approval does not change the published page...
    reference = Reference.objects.get(key="nccn-2024")
    reference.title = "A retitled reference"
    save_reference(reference=reference, by=author, comment="Retitled")

    # ...and a reader's request renders no Markdown and reads no revision.
    def refuse(*args, **kwargs):
        raise AssertionError("a reader's request rendered Markdown or read a revision")

    monkeypatch.setattr("articles.selectors.render_body", refuse)
    monkeypatch.setattr("articles.selectors._revision_source", refuse)
    monkeypatch.setattr(Version.objects, "get_for_object", refuse)
    response = client.get(approved.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reference nccn-2024" in html and "A retitled reference" not in html


def test_the_article_page_takes_at_most_five_queries_with_a_cold_cache(
    client, approved, django_assert_max_num_queries
):
    from django.core.cache import cache

    from personalization.models import ReaderRole

    ReaderRole.objects.create(slug="patient", label="Patient", audience="lay", target_grade=8)
    page_cache.forget_furniture()
    page_cache.forget_pages_here()
    cache.clear()
    # the public pointer (every request reads it: a stored page is served after this one
    # alone), the edition with its article, the reader roles with the disclaimers, the
    # byline (authors, co-authors and the approver's contributor page, in one query) and the
    # flags on the references it cites (read live, by their keys)
    with django_assert_max_num_queries(5):
        response = client.get(approved.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Platinum doublet first." in html
    assert "Professional medical disclaimer" in html
    assert "Verify against primary literature." in html


def test_every_edition_has_a_permalink_that_points_to_the_current_one(
    client, approved, author, reviewer2
):
    _edit(approved, author, "## Answer\n\nA revised answer.[@nccn-2024]\n")
    _approve(approved, author, reviewer2, note="Revised the answer.")
    old = client.get(f"/articles/{approved.slug}/editions/1/")
    assert old.status_code == 200
    html = old.content.decode()
    assert "Platinum doublet first." in html and "A revised answer." not in html
    assert "You are reading edition 1" in html and "read the current edition" in html
    current = client.get(f"/articles/{approved.slug}/editions/2/").content.decode()
    assert "This is the current edition" in current and "A revised answer." in current
    assert client.get(f"/articles/{approved.slug}/editions/3/").status_code == 404


def test_editions_answer_410_with_the_reason_while_withdrawn(client, approved, reviewer):
    make_move("withdraw", article=approved, by=reviewer, comment="Retracted trial",
              seen_revision_id=latest_revision_id(approved))  # fmt: skip
    response = client.get(f"/articles/{approved.slug}/editions/1/")
    assert response.status_code == 410
    assert "Retracted trial" in response.content.decode()
    assert "Platinum doublet first." not in response.content.decode()


def test_a_stored_edition_from_today_renders_the_same_for_good(client, make_article, author):
    """Pinned: an edition written on 2026-11-27, as the database holds it. Whatever the code
    and migrations become, its page shows exactly the HTML that was published."""
    stored = json.loads(STORED_EDITION.read_text())
    article = make_article()
    Article.objects.filter(pk=article.pk).update(  # test setup: an approval from the past
        live_revision_id=latest_revision_id(article), state="approved"
    )
    edition = Edition(
        article=article, revision_id=latest_revision_id(article),
        content_sha256="0" * 64, text_updated_at=timezone.now(),
        **{**stored, "published_at": datetime.fromisoformat(stored["published_at"])},
    )  # fmt: skip
    Edition.objects.bulk_create([edition])
    Article.objects.filter(pk=article.pk).update(
        public_edition=edition, published_at=timezone.now()
    )

    html = client.get(article.get_absolute_url()).content.decode()
    assert stored["renditions"][""]["body_html"] in html
    assert legacy_sha256(Edition.objects.get(pk=edition.pk)) == stored["stored_sha256"]


def test_verify_editions_reports_a_changed_edition_and_a_changed_revision(
    make_article, author, reviewer, publish_provisionally, professional_disclaimer, capsys
):
    approved = make_article()
    make_move("submit", article=approved, by=author, seen_revision_id=latest_revision_id(approved))
    publish_provisionally(approved)
    _approve(approved, author, reviewer)
    call_command("verify_editions")
    assert "All 2 editions match" in capsys.readouterr().out  # the pending one and edition 1

    edition = Edition.objects.get(article=approved, kind="approved")
    with connection.cursor() as cursor:  # what a bad restore or a hand edit would do
        cursor.execute(
            "UPDATE articles_edition SET title = %s WHERE id = %s", ["Tampered", edition.pk]
        )
    version = Version.objects.get_for_object(approved).get(revision_id=edition.revision_id)
    data = json.loads(version.serialized_data)
    data[0]["fields"]["body"] = "## Answer\n\nSomething else.\n"
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))

    with pytest.raises(CommandError, match="1 of 2 editions differ"):
        call_command("verify_editions")
    errors = capsys.readouterr().err
    assert "title differs from what was sealed" in errors
    assert "the pinned revision's stored versions were changed" in errors


def test_articles_approved_before_editions_get_their_first_edition(make_article, reviewer):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(  # as the data migration finds them
        state="approved", live_revision_id=latest_revision_id(article),
        approved_by=reviewer, approved_at=timezone.now(),
    )  # fmt: skip
    assert backfill([article.pk]) == 1
    article.refresh_from_db()
    assert article.public_edition.number == 1
    assert "Platinum doublet first." in article.public_edition.renditions[""]["body_html"]
