import pytest
from django.urls import reverse

from articles.models import ReviewState
from review import services
from tests.factories import SIGNED_CHECKLIST

ARTICLE_URL = "/articles/{}/"


def _page(client, article):
    return client.get(ARTICLE_URL.format(article.slug))


def _to_state(article, state, *, author, reviewer, seen):
    """Move the article to `state`; a never-approved one is published provisionally on the way
    (submitting alone publishes nothing), so readers see it with the caution."""
    shown = ("publish_provisionally", reviewer)
    steps = {
        ReviewState.SUBMITTED: [("submit", author), shown],
        ReviewState.UNDER_REVIEW: [("submit", author), shown, ("start_review", reviewer)],
        ReviewState.APPROVED: [
            ("submit", author), ("start_review", reviewer), ("approve", reviewer)
        ],
    }[state]  # fmt: skip
    for name, user in steps:
        services.make_move(
            name,
            article=article,
            by=user,
            seen_revision_id=seen(article),
            comment="ok",
            checklist=SIGNED_CHECKLIST,
        )


@pytest.mark.parametrize(
    ("state", "current"),
    [
        (ReviewState.SUBMITTED, "Submitted"),
        (ReviewState.UNDER_REVIEW, "Under Review"),
        (ReviewState.APPROVED, "Approved"),
    ],
)
def test_tracker_marks_the_current_step(
    client, make_article, author, reviewer, seen, professional_disclaimer, state, current
):
    article = make_article()
    _to_state(article, state, author=author, reviewer=reviewer, seen=seen)
    html = _page(client, article).content.decode()
    assert f'aria-current="step">{current}</li>' in html
    assert html.count('aria-current="step"') == 1


def test_pending_article_carries_the_caution_and_everything_the_seed_shows(
    client, make_article, author, reviewer, seen, professional_disclaimer
):
    article = make_article(summary="Platinum first.")
    _to_state(article, ReviewState.SUBMITTED, author=author, reviewer=reviewer, seen=seen)
    response = _page(client, article)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="article-title">What is the answer?</h1>' in html
    assert "Medical Advisory Board" in html
    assert "waiting for review" in html  # the caution banner
    assert 'href="/editorial-policy/"' in html and "Last updated" in html
    assert '<li id="ref-1">' in html and "Reference nccn-2024" in html
    assert '<a aria-label="Reference 1" href="#ref-1"' in html
    assert "Professional medical disclaimer" in html
    assert "Approved by" not in html


def test_approved_article_shows_the_approver_and_no_caution(
    client, make_article, author, reviewer, seen, professional_disclaimer
):
    article = make_article()
    _to_state(article, ReviewState.APPROVED, author=author, reviewer=reviewer, seen=seen)
    html = _page(client, article).content.decode()
    assert "Approved by" in html and "Dr. Ana Reyes, MD, Oncology" in html
    assert "waiting for review" not in html


def test_a_later_edit_stays_off_the_public_page_until_approved(
    client, make_article, make_reference, author, reviewer, reviewer2, seen, professional_disclaimer
):
    article = make_article()
    _to_state(article, ReviewState.APPROVED, author=author, reviewer=reviewer, seen=seen)
    make_reference("esmo-2022", title="ESMO 2022 guideline")
    services.edit_article(
        article=article, by=author, seen_revision_id=seen(article), title="A reworded question?",
        summary="An unreviewed summary.", body="Unreviewed claim.[@esmo-2022]",
        literature_current_through=None,
        comment="New text",
    )  # fmt: skip
    html = _page(client, article).content.decode()
    assert "What is the answer?" in html and "Platinum doublet first." in html
    assert "Unreviewed claim" not in html and "ESMO 2022 guideline" not in html
    assert "An unreviewed summary." not in html
    assert 'aria-current="step">Approved' in html

    for name, user in [("submit", author), ("start_review", reviewer2), ("approve", reviewer2)]:
        services.make_move(
            name, article=article, by=user, seen_revision_id=seen(article), comment="ok",
            note="Reworded the question; added the ESMO guideline.", checklist=SIGNED_CHECKLIST,
        )  # fmt: skip
    html = _page(client, article).content.decode()
    assert "A reworded question?" in html and "ESMO 2022 guideline" in html
    assert "Dr. Tomas Lind" in html


def test_a_reference_edited_after_approval_shows_as_approved(
    client, make_article, author, reviewer, seen, professional_disclaimer
):
    from articles.models import Reference
    from articles.services import save_reference

    article = make_article()
    _to_state(article, ReviewState.APPROVED, author=author, reviewer=reviewer, seen=seen)
    reference = Reference.objects.get(key="nccn-2024")
    reference.title = "A quietly changed title"
    save_reference(reference=reference, by=author, comment="Changed")
    html = _page(client, article).content.decode()
    assert "Reference nccn-2024" in html and "quietly changed" not in html


def test_draft_is_not_public(client, make_article):
    assert _page(client, make_article()).status_code == 404


def test_unapproved_articles_can_be_hidden(client, settings, make_article, author, reviewer, seen):
    article = make_article()
    _to_state(article, ReviewState.SUBMITTED, author=author, reviewer=reviewer, seen=seen)
    settings.VETTED_SHOW_UNAPPROVED = False
    assert _page(client, article).status_code == 404
    assert article.title not in client.get("/").content.decode()


def test_withdrawn_article_answers_410_with_a_notice(client, make_article, author, reviewer, seen):
    article = make_article()
    _to_state(article, ReviewState.APPROVED, author=author, reviewer=reviewer, seen=seen)
    services.make_move(
        "withdraw",
        article=article,
        by=reviewer,
        seen_revision_id=seen(article),
        comment="Unsafe dose",
    )
    response = _page(client, article)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert "Platinum doublet first." not in response.content.decode()


@pytest.mark.parametrize("approved", [False, True])
def test_article_page_runs_a_small_fixed_number_of_queries(
    client, make_article, author, reviewer, seen, professional_disclaimer,
    django_assert_max_num_queries, approved,
):  # fmt: skip
    article = make_article()
    state = ReviewState.APPROVED if approved else ReviewState.SUBMITTED
    _to_state(article, state, author=author, reviewer=reviewer, seen=seen)
    # article, reader roles, variants, citations with references (pending text; the approved
    # revision's versions are cached instead), disclaimer
    with django_assert_max_num_queries(6):
        first = _page(client, article)
    with django_assert_max_num_queries(5 if not approved else 3):
        again = _page(client, article)
    for response in (first, again):
        assert response.status_code == 200
        html = response.content.decode()
        assert '<h1 id="article-title">What is the answer?</h1>' in html
        assert "Platinum doublet first." in html and "Reference nccn-2024" in html
        assert "Professional medical disclaimer" in html
        assert ("Approved by" in html) is approved
        assert ("waiting for review" in html) is not approved


def test_home_lists_visible_articles(client, make_article, author, reviewer, seen):
    shown = make_article(slug="shown", title="Shown question?")
    make_article(slug="hidden", title="Draft question?")
    _to_state(shown, ReviewState.SUBMITTED, author=author, reviewer=reviewer, seen=seen)
    html = client.get("/").content.decode()
    assert "Shown question?" in html and "Draft question?" not in html


def test_editorial_policy_explains_every_move(client, db):
    html = client.get(reverse("public:editorial_policy")).content.decode()
    for label in ["Submit for review", "Publish provisionally", "Start review", "Request changes",
                  "Approve", "Withdraw"]:  # fmt: skip
        assert f"<dt>{label}</dt>" in html


def test_healthz_reports_database_cache_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert body["broker"] in ("ok", "eager")


def test_pages_send_a_content_security_policy(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_search_finds_public_articles_only(client, make_article, author, reviewer, seen):
    shown = make_article(slug="shown", title="Platinum first for HER2?")
    make_article(slug="draft", title="Platinum in a private draft?")
    _to_state(shown, ReviewState.SUBMITTED, author=author, reviewer=reviewer, seen=seen)
    html = client.get("/search/", {"q": "platinum"}).content.decode()
    assert "Platinum first for HER2?" in html and "private draft" not in html
    assert "1 result for" in html


def test_search_escapes_the_query(client, db):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


@pytest.fixture
def approved_article(make_article, author, reviewer, seen, professional_disclaimer):
    article = make_article()
    _to_state(article, ReviewState.APPROVED, author=author, reviewer=reviewer, seen=seen)
    return article


def test_the_page_is_the_same_for_every_reader_of_a_role(client, approved_article):
    from django.test import Client

    first = client.get(ARTICLE_URL.format(approved_article.slug))
    other = Client().get(ARTICLE_URL.format(approved_article.slug))
    assert first.content == other.content and first["ETag"] == other["ETag"]
    html = first.content.decode()
    assert "csrfmiddlewaretoken" not in html and 'name="started"' not in html
    assert "csrftoken" not in first.cookies and "sessionid" not in first.cookies


def test_a_stored_page_is_served_after_one_query_for_its_public_edition(
    client, approved_article, django_assert_num_queries
):
    client.get(ARTICLE_URL.format(approved_article.slug))
    with django_assert_num_queries(1):  # the article's public pointer: never from a cache
        response = client.get(ARTICLE_URL.format(approved_article.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="article-title">What is the answer?</h1>' in html
    assert "Platinum doublet first." in html and "Approved by" in html


def test_a_renamed_article_leaves_no_stale_page_at_its_old_address(client, approved_article):
    from articles.models import Article

    client.get(ARTICLE_URL.format(approved_article.slug))
    article = Article.objects.get(pk=approved_article.pk)
    article.slug = "a-new-address"
    article.save()
    assert client.get(ARTICLE_URL.format(approved_article.slug)).status_code == 404
    assert client.get(ARTICLE_URL.format("a-new-address")).status_code == 200


def test_an_admin_edit_of_the_disclaimer_reaches_cached_pages(client, approved_article, admin_user):
    from django.test import Client

    from articles.models import Disclaimer

    client.get(ARTICLE_URL.format(approved_article.slug))
    disclaimer = Disclaimer.objects.get(audience="professional")
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(
        f"/admin/articles/disclaimer/{disclaimer.pk}/change/",
        {"audience": "professional", "title": disclaimer.title, "body": "A corrected disclaimer."},
    )
    assert response.status_code == 302
    assert "A corrected disclaimer." in _page(client, approved_article).content.decode()


def test_signed_in_people_never_get_an_anonymous_page(client, approved_article, author):
    client.get(ARTICLE_URL.format(approved_article.slug))
    client.force_login(author)
    html = _page(client, approved_article).content.decode()
    assert "Sign out" in html and "Sign in" not in html


def test_withdrawal_reaches_a_cached_page_at_once(client, approved_article, reviewer, seen):
    client.get(ARTICLE_URL.format(approved_article.slug))
    services.make_move(
        "withdraw",
        article=approved_article,
        by=reviewer,
        seen_revision_id=seen(approved_article),
        comment="Unsafe",
    )
    assert _page(client, approved_article).status_code == 410


def test_lists_show_the_approved_title_while_a_new_draft_waits(
    client, approved_article, author, seen
):
    services.edit_article(
        article=approved_article, by=author, seen_revision_id=seen(approved_article),
        title="An unreviewed new title?", summary="An unreviewed summary.",
        body=approved_article.body, literature_current_through=None, comment="",
    )  # fmt: skip
    for html in (
        client.get("/").content.decode(),
        client.get("/search/", {"q": "platinum"}).content.decode(),
    ):
        assert "What is the answer?" in html
        assert "unreviewed" not in html


def test_search_does_not_find_an_approved_article_by_its_unreviewed_draft(
    client, approved_article, author, seen
):
    services.edit_article(
        article=approved_article, by=author, seen_revision_id=seen(approved_article),
        title=approved_article.title, summary="", literature_current_through=None, comment="",
        body="Platinum doublet first, then zongertinib.[@nccn-2024]",
    )  # fmt: skip
    assert (
        "What is the answer?" not in client.get("/search/", {"q": "zongertinib"}).content.decode()
    )
    assert "What is the answer?" in client.get("/search/", {"q": "doublet"}).content.decode()


def test_a_deploy_that_changes_templates_retires_the_stored_pages(
    client, approved_article, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from public import page_cache

    url = ARTICLE_URL.format(approved_article.slug)
    client.get(url)
    with django_assert_max_num_queries(1):
        client.get(url)  # stored: only the public pointer is read
    monkeypatch.setattr(page_cache, "RELEASE", "another-release")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and len(queries) > 1  # rendered for the new templates
