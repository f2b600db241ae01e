"""Reader roles on the article page: choosing, remembering, falling back, caching."""

import pytest

from articles.models import Article
from articles.selectors import latest_revision_id
from personalization.selectors import ROLE_COOKIE
from personalization.services import save_variant
from review import services
from tests.factories import SIGNED_CHECKLIST

URL = "/articles/an-article/"
DEFAULT_TEXT = "Platinum doublet first."
PATIENT_TEXT = "Your first treatment is chemo with a platinum drug."


@pytest.fixture
def article(
    make_article, make_reference, author, reviewer, roles, seen, professional_disclaimer,
    lay_disclaimer, publish_provisionally,
):  # fmt: skip
    make_reference("nccn-2024")
    article = make_article(body="## Answer\n\nPlatinum doublet first in NSCLC.[@nccn-2024]\n")
    save_variant(
        article=article, role=roles["patient"], summary="Chemo first.",
        body=f"## What to expect\n\n{PATIENT_TEXT}[@nccn-2024]\n", by=author, comment="patient",
    )  # fmt: skip
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return publish_provisionally(article)


def _approve(article, reviewer, seen):
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    services.make_move(
        "approve", article=article, by=reviewer, seen_revision_id=seen(article),
        note="Revised reader versions.", checklist=SIGNED_CHECKLIST,
    )  # fmt: skip


def test_no_role_reads_the_default_text_with_the_professional_disclaimer(client, article):
    html = client.get(URL).content.decode()
    assert "Platinum doublet first" in html and PATIENT_TEXT not in html
    assert "Professional medical disclaimer" in html
    assert (
        'Written for health professionals.<span class="screen-only"> Choose who you are above'
    ) in html  # not printed: the chooser above is not (static/css/site.css)


def test_patient_reads_plain_language_and_the_lay_disclaimer(client, article, glossary):
    html = client.get(URL, {"role": "patient"}).content.decode()
    assert PATIENT_TEXT in html and "Platinum doublet first" not in html
    assert "Please read: this is not medical advice for you" in html
    assert "Professional medical disclaimer" not in html
    assert "<strong>Patient</strong>" in html


def test_physician_reads_the_clinical_text_untouched(client, article, glossary):
    html = client.get(URL, {"role": "physician"}).content.decode()
    assert "Platinum doublet first in NSCLC." in html
    assert "gloss" not in html.split('id="reader-content"')[1]
    assert "Professional medical disclaimer" in html


def test_caregiver_falls_back_to_the_patient_version_and_says_so(client, article):
    html = client.get(URL, {"role": "caregiver"}).content.decode()
    assert PATIENT_TEXT in html
    assert (
        '<p class="written-for fallback-note">No version has been written for '
        "<strong>Caregiver or family member</strong> yet, so you are reading the one written "
        "for: <strong>Patient</strong>.</p>"
    ) in html


def test_a_professional_reads_the_text_written_for_professionals_without_a_missing_version_note(
    client, article
):
    """The default text is written for health professionals: a physician, nurse or student is
    not told that "no version for Physician" exists, as if they were reading someone else's."""
    for role in ("physician", "student"):
        html = client.get(URL, {"role": role}).content.decode()
        assert "Platinum doublet first" in html
        assert "You are reading the text written for health professionals." in html
        assert "fallback-note" not in html and "No version has been written" not in html


@pytest.fixture
def teen(roles):
    from personalization.models import Audience, ReaderRole

    return ReaderRole.objects.create(
        slug="teen", label="Teenager", audience=Audience.LAY, target_grade=6, order=9
    )


def test_a_lay_role_with_no_version_is_told_it_reads_the_professionals_text(client, teen, article):
    html = client.get(URL, {"role": "teen"}).content.decode()
    assert "Platinum doublet first" in html
    assert (
        "No version has been written for <strong>Teenager</strong> yet, so you are reading the "
        "text written for health professionals, with technical terms explained in brackets."
    ) in html


def test_a_role_link_is_remembered_in_a_cookie(client, article):
    response = client.get(URL, {"role": "patient"})
    assert response.cookies[ROLE_COOKIE].value == "patient"
    assert PATIENT_TEXT in client.get(URL).content.decode()  # reload: the choice stays


def test_a_signed_in_readers_choice_is_kept_on_their_profile(client, article, reviewer2):
    client.force_login(reviewer2)
    client.get(URL, {"role": "patient"})
    reviewer2.refresh_from_db()
    assert reviewer2.preferred_reader_role == "patient"
    client.cookies.clear()
    client.force_login(reviewer2)
    assert PATIENT_TEXT in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "value",
    ["nobody", "<script>alert(1)</script>", "patient' OR 1=1--", "../../etc/passwd", "PATIENT",
     "patient\r\nSet-Cookie: x=y", "x" * 5000],
)  # fmt: skip
def test_tampered_role_values_fall_back_to_the_default_and_are_never_echoed(client, article, value):
    response = client.get(URL, {"role": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Platinum doublet first" in html
    assert value not in html and "alert(1)" not in html
    assert ROLE_COOKIE not in response.cookies

    client.cookies[ROLE_COOKIE] = value
    html = client.get(URL).content.decode()
    assert "Platinum doublet first" in html and value not in html


def test_cached_pages_never_serve_one_roles_text_to_another(client, article, reviewer, seen):
    _approve(article, reviewer, seen)
    for _ in range(2):  # the second round is served from warm caches
        patient = client.get(URL, {"role": "patient"})
        physician = client.get(URL, {"role": "physician"})
        assert PATIENT_TEXT in patient.content.decode()
        assert PATIENT_TEXT not in physician.content.decode()
        assert "Cookie" in patient["Vary"] and "Cookie" in physician["Vary"]
        client.cookies.clear()
        assert PATIENT_TEXT not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("role", "reads", "not_shown"),
    [
        (None, "Platinum doublet first in NSCLC.", PATIENT_TEXT),
        ("patient", PATIENT_TEXT, "Platinum doublet first"),
        ("caregiver", PATIENT_TEXT, "Platinum doublet first"),  # falls back to the patient's
        ("physician", "Platinum doublet first in NSCLC.", PATIENT_TEXT),
    ],
)
def test_the_page_runs_a_fixed_number_of_queries_per_role(
    client, article, reviewer, seen, glossary, django_assert_max_num_queries, role, reads,
    not_shown,
):  # fmt: skip
    _approve(article, reviewer, seen)
    params = {"role": role} if role else {}
    client.get(URL, params)  # warm the render caches
    # article, roles, variants (cached per revision), glossary for lay roles, disclaimer
    with django_assert_max_num_queries(4):
        response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="article-title">What is the answer?</h1>' in html
    assert reads in html and not_shown not in html


def test_a_variant_edit_after_approval_waits_for_approval(
    client, article, author, reviewer2, reviewer, roles, seen
):
    _approve(article, reviewer, seen)
    approved_hash = Article.objects.get(pk=article.pk).approved_sha256
    services.edit_variant(
        article=article, role=roles["patient"], by=author, seen_revision_id=seen(article),
        summary="New", body="An unreviewed patient sentence.[@nccn-2024]", comment="rewrite",
    )  # fmt: skip
    html = client.get(URL, {"role": "patient"}).content.decode()
    assert PATIENT_TEXT in html and "unreviewed patient sentence" not in html

    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    _approve(article, reviewer2, seen)
    html = client.get(URL, {"role": "patient"}).content.decode()
    assert "unreviewed patient sentence" in html
    assert Article.objects.get(pk=article.pk).approved_sha256 != approved_hash


def test_the_review_diff_shows_variant_changes(client, article, author, reviewer, roles, seen):
    _approve(article, reviewer, seen)
    services.edit_variant(
        article=article, role=roles["patient"], by=author, seen_revision_id=seen(article),
        summary="Chemo first.", body=f"## What to expect\n\n{PATIENT_TEXT} Ask your team.\n",
        comment="",
    )  # fmt: skip
    client.force_login(reviewer)
    html = client.get("/review/articles/an-article/").content.decode()
    assert "Patient version: body" in html and "<ins>drug. Ask your team.\n</ins>" in html


def test_a_variant_citing_a_missing_reference_is_refused(article, author, roles, seen):
    with pytest.raises(services.InvalidTransition, match=r"\[@ghost\]"):
        services.edit_variant(
            article=article, role=roles["patient"], by=author, seen_revision_id=seen(article),
            summary="", body="Claim.[@ghost]", comment="",
        )  # fmt: skip


def test_variant_citations_join_the_reference_list(article, author, roles, make_reference, seen):
    make_reference("esmo-2022", title="ESMO 2022")
    services.edit_variant(
        article=article, role=roles["patient"], by=author, seen_revision_id=seen(article),
        summary="", body="Plain words.[@esmo-2022]", comment="",
    )  # fmt: skip
    keys = [c.reference.key for c in Article.objects.get(pk=article.pk).citations.all()]
    assert keys == ["nccn-2024", "esmo-2022"]


def test_readability_can_block_approval(settings, article, author, reviewer, roles, seen):
    settings.VETTED_READABILITY_BLOCKS_APPROVAL = True
    hard = (
        "Pharmacokinetic heterogeneity notwithstanding, concomitant administration of "
        "immunomodulatory monoclonal antibodies necessitates comprehensive multidisciplinary "
        "evaluation of interstitial pneumonitis susceptibility.[@nccn-2024]"
    )
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    services.make_move(
        "request_changes",
        article=article,
        by=reviewer,
        seen_revision_id=seen(article),
        comment="try",
    )
    services.edit_variant(
        article=article, role=roles["patient"], by=author, seen_revision_id=seen(article),
        summary="", body=hard, comment="",
    )  # fmt: skip
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    with pytest.raises(services.InvalidTransition, match="patient version reads at grade"):
        services.make_move(
            "approve",
            article=article,
            by=reviewer,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )


def test_restoring_a_revision_brings_back_its_reader_versions_in_one_edit(
    article, author, reviewer, roles, seen
):
    from reversion.models import Revision

    from articles.models import ReviewState
    from personalization.models import ArticleVariant

    _approve(article, reviewer, seen)
    approved_revision = Article.objects.get(pk=article.pk).live_revision_id
    services.edit_variant(
        article=article, role=roles["patient"], by=author, seen_revision_id=seen(article),
        summary="", body="A rewrite.[@nccn-2024]", comment="",
    )  # fmt: skip
    services.edit_variant(
        article=article, role=roles["caregiver"], by=author, seen_revision_id=seen(article),
        summary="", body="For carers.[@nccn-2024]", comment="",
    )  # fmt: skip
    revisions = Revision.objects.count()

    event = services.restore_revision(
        article=article, revision_id=approved_revision, by=author, seen_revision_id=seen(article)
    )

    variants = {v.role.slug: v.body for v in ArticleVariant.objects.filter(article=article)}
    assert list(variants) == ["patient"] and PATIENT_TEXT in variants["patient"]
    assert Revision.objects.count() == revisions + 1
    assert event.action == "edit" and "Restored" in event.comment
    assert Article.objects.get(pk=article.pk).state == ReviewState.DRAFT


def test_the_admin_compare_shows_reader_version_changes(
    client, admin_user, article, author, roles, seen
):
    from reversion.models import Version

    before = seen(article)
    services.edit_variant(
        article=article, role=roles["patient"], by=author, seen_revision_id=before,
        summary="Chemo first.", body="A new patient text.[@nccn-2024]", comment="",
    )  # fmt: skip
    client.force_login(admin_user)
    assert Version.objects.get_for_object(article).filter(revision_id=before).exists()
    html = client.get(
        f"/admin/articles/article/{article.pk}/compare/?from={before}&to={seen(article)}"
    ).content.decode()
    assert "Patient version: body" in html and "<ins>" in html and "A new patient text" in html
