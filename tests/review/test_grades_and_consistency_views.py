"""The review page's lists of ungraded recommendations and of reader-version mismatches, and the
setting that makes a mismatch block approval."""

import pytest

from articles.selectors import latest_revision_id
from personalization.models import Audience, ReaderRole
from personalization.services import save_variant
from review import services
from tests.factories import SIGNED_CHECKLIST

BODY = (
    "## Treatment\n\n"
    "- Use platinum-based chemotherapy first.[@nccn-2024] {grade 1A}\n"
    "- Do not use single-agent immunotherapy.[@nccn-2024]\n"
    "- The objective response rate of T-DXd was 55%.[@nccn-2024]\n"
)


@pytest.fixture
def patient_role(db):
    return ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8, order=1
    )


@pytest.fixture
def under_review(make_article, make_reference, author, reviewer, patient_role, seen):
    """An article under review whose patient version says 45 out of 100 and names a new drug."""
    make_reference("nccn-2024")
    article = make_article(body=BODY)
    save_variant(
        article=article, role=patient_role, summary="", by=author, comment="",
        body="T-DXd shrank the tumour in 45 out of 100 people. Carboplatin is one of the drugs.",
    )  # fmt: skip
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    return article


def _approve(article, reviewer):
    return services.make_move(
        "approve",
        article=article,
        by=reviewer,
        seen_revision_id=latest_revision_id(article),
        checklist=SIGNED_CHECKLIST,
    )


def test_the_review_page_lists_recommendations_without_a_grade(client, reviewer, under_review):
    client.force_login(reviewer)
    page = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    section = page.split('id="ungraded-title"')[1].split("</section>")[0]
    assert "Recommendations without a grade (1)" in section
    assert "<li>Do not use single-agent immunotherapy.</li>" in section
    assert "Use platinum-based chemotherapy" not in section  # graded
    assert "55%" not in section  # a finding, not a recommendation


def test_the_review_page_lists_each_reader_versions_mismatches(client, reviewer, under_review):
    client.force_login(reviewer)
    page = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    section = page.split('id="consistency-title"')[1].split("</section>")[0]
    assert "Patient version: 2 mismatches" in section
    assert "“45 out of 100” (45%): the default text has “55%” instead." in section
    assert "The drug “Carboplatin”: the default text does not name it." in section
    assert "Mismatches do not block approval" in section


def test_a_consistent_version_is_shown_as_such(
    client, make_article, make_reference, author, patient_role
):
    make_reference("nccn-2024")
    article = make_article(body=BODY)
    save_variant(article=article, role=patient_role, summary="", by=author, comment="",
                 body="T-DXd shrank the tumour in 55 out of 100 people.")  # fmt: skip
    client.force_login(author)  # a draft: its author sees the review page
    page = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "Patient version: consistent ✓" in page


def test_a_mismatch_blocks_approval_only_with_the_setting(settings, reviewer, under_review):
    settings.VETTED_CONSISTENCY_BLOCKS_APPROVAL = True
    with pytest.raises(services.InvalidTransition) as refused:
        _approve(under_review, reviewer)
    assert str(refused.value.message) == (
        "The patient version differs from the default text: “45 out of 100” (45%): the default "
        "text has “55%” instead. Make them agree before approval."
    )
    settings.VETTED_CONSISTENCY_BLOCKS_APPROVAL = False
    _approve(under_review, reviewer)
    under_review.refresh_from_db()
    assert under_review.state == "approved"


def test_the_refused_approve_button_says_why(client, settings, reviewer, under_review):
    settings.VETTED_CONSISTENCY_BLOCKS_APPROVAL = True
    client.force_login(reviewer)
    page = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    assert ">Approve</button>" in page and "differs from the default text" in page
    assert "A mismatch blocks approval." in page


def test_the_demo_article_passes_the_guard(settings, demo_approved):
    settings.VETTED_CONSISTENCY_BLOCKS_APPROVAL = True  # the fixture approved it with it off
    from personalization.consistency import version_mismatches
    from review.workflow import consistent

    assert [v.mismatches for v in version_mismatches(demo_approved)] == [()]
    assert consistent.check(demo_approved, demo_approved.approved_by) is None
