"""Contributor pages (`/contributors/<slug>/`), their disclosures, and the article byline."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ContributorProfile
from articles.models import Topic
from contributors.models import Disclosure, a_year_after
from publishing.services import change_surroundings
from review import services
from tests.contributor_factories import (
    ContributorProfileFactory,
    DisclosureFactory,
    fresh_profile,
)
from tests.factories import SIGNED_CHECKLIST, UserFactory


def _page(client, slug: str, **params):
    return client.get(f"/contributors/{slug}/", params)


@pytest.fixture
def publish(make_article, author, reviewer, seen, professional_disclaimer):
    """An article approved by `by` (the reviewer unless named): its first edition."""

    def publish(slug: str, *, by=None, co_authors=()):
        article = make_article(slug=slug, title=f"Question {slug}?")
        article.co_authors.add(*co_authors)
        approver = by or reviewer
        for name, user in (("submit", author), ("start_review", approver), ("approve", approver)):
            services.make_move(
                name,
                article=article,
                by=user,
                seen_revision_id=seen(article),
                checklist=SIGNED_CHECKLIST,
            )
        article.refresh_from_db()
        return article

    return publish


@pytest.fixture
def reviewer_page(reviewer):
    """The reviewer's page, made public; a board member, they have a disclosure of today."""
    profile = reviewer.contributor_profile
    profile.slug, profile.is_public = "ana-reyes", True
    profile.board_role = "Medical Advisory Board, thoracic oncology"
    profile.affiliations = "Example University Hospital\n\nLung Cancer Working Group\n"
    profile.bio = "Treats lung cancer."
    profile.save()
    return profile


@pytest.fixture
def undisclosed(reviewer_page):
    """The reviewer's page before any disclosure (for the tests of what disclosures show)."""
    reviewer_page.disclosures.all().delete()
    return reviewer_page


# The page --------------------------------------------------------------------------------------


def test_the_page_shows_name_credentials_board_role_affiliations_and_disclosures(
    client, reviewer, reviewer_page
):
    topic = Topic.objects.create(name="Lung cancer", slug="lung-cancer")
    DisclosureFactory(
        contributor=reviewer_page,
        declared_on=date(2025, 3, 3),
        statement="Advisory fees from Example Pharma.",
        conflict_topics=[topic],
    )
    response = _page(client, "ana-reyes")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="contributor-name">Dr. Ana Reyes</h1>' in html
    assert "MD, Oncology" in html and "Medical Advisory Board, thoracic oncology" in html
    assert "<li>Example University Hospital</li><li>Lung Cancer Working Group</li>" in html
    assert "Treats lung cancer." in html
    assert '<time datetime="2025-03-03">March 3, 2025</time>' in html
    assert "Advisory fees from Example Pharma." in html and "Conflicts on: Lung cancer." in html


def test_the_page_shows_no_email_or_username(client, reviewer, reviewer_page):
    html = _page(client, "ana-reyes").content.decode()
    assert reviewer.email not in html and "@" not in html
    assert f">{reviewer.username}<" not in html


def test_a_contributor_with_nothing_declared_yet_says_so(client, undisclosed):
    assert "No disclosure on file yet." in _page(client, "ana-reyes").content.decode()


@pytest.mark.parametrize("hidden", [True, False])
def test_unknown_and_hidden_contributors_are_not_found(client, reviewer_page, hidden):
    if hidden:
        reviewer_page.is_public = False
        reviewer_page.save()
    slug = "ana-reyes" if hidden else "nobody-here"
    assert _page(client, slug).status_code == 404


def test_the_page_is_get_only(client, reviewer_page):
    assert client.post("/contributors/ana-reyes/").status_code == 405


# Renewal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age_days", "due"), [(300, False), (400, True)])
def test_the_disclosure_in_force_is_due_for_renewal_after_a_year(
    client, undisclosed, age_days, due
):
    declared = timezone.localdate() - timedelta(days=age_days)
    DisclosureFactory(contributor=undisclosed, declared_on=declared)
    html = _page(client, "ana-reyes").content.decode()
    assert ("Due for renewal" in html) is due
    assert ("Current</span> until" in html) is not due
    assert f'<time datetime="{declared:%Y-%m-%d}">' in html  # when it was declared


def test_only_the_disclosure_in_force_can_be_due_and_earlier_ones_are_marked_replaced(
    client, undisclosed
):
    today = timezone.localdate()
    DisclosureFactory(contributor=undisclosed, declared_on=today - timedelta(days=800))
    DisclosureFactory(contributor=undisclosed, declared_on=today - timedelta(days=30))
    html = _page(client, "ana-reyes").content.decode()
    assert "Due for renewal" not in html
    assert html.count("Replaced by a later disclosure") == 1
    assert html.index("Current</span>") < html.index("Replaced by a later disclosure")


def test_a_disclosure_of_29_february_is_renewed_on_1_march():
    assert a_year_after(date(2024, 2, 29)) == date(2025, 3, 1)
    assert a_year_after(date(2025, 3, 3)) == date(2026, 3, 3)


# What they published ---------------------------------------------------------------------------


def test_the_page_lists_the_approved_editions_they_approved_or_wrote_newest_first(
    client, author, reviewer, reviewer2, reviewer_page, publish, make_article, seen
):
    ContributorProfileFactory(user=author, slug="sam-carter")
    co_author = UserFactory(username="co_author", display_name="Lee Park")
    ContributorProfileFactory(user=co_author, slug="lee-park")
    older = publish("older")
    newer = publish("newer", co_authors=[co_author])
    publish("by-someone-else", by=reviewer2)
    withdrawn = publish("withdrawn")
    services.make_move(
        "withdraw", article=withdrawn, by=reviewer, seen_revision_id=seen(withdrawn),
        comment="Unsafe dose",
    )  # fmt: skip
    pending = make_article(slug="pending")
    services.make_move("submit", article=pending, by=author, seen_revision_id=seen(pending))

    html = _page(client, "ana-reyes").content.decode()
    assert html.index("Question newer?") < html.index("Question older?")
    assert "by-someone-else" not in html and "withdrawn" not in html and "pending" not in html
    assert f'href="/articles/{older.slug}/editions/1/"' in html
    assert "Approved by Dr. Ana Reyes" in html

    html = _page(client, "sam-carter").content.decode()
    assert "Question by-someone-else?" in html and "Author" in html and "pending" not in html

    html = _page(client, "lee-park").content.decode()
    assert f"Question {newer.slug}?" in html and "Co-author" in html
    assert "Question older?" not in html


def test_an_edition_credits_its_co_author_as_it_recorded_them(reviewer_page, publish):
    """The page reads the edition's credits: a co-author taken off the article afterwards is
    still credited on the edition they co-wrote, and on none after it."""
    co_author = UserFactory(username="co_author", display_name="Lee Park")
    ContributorProfileFactory(user=co_author, slug="lee-park")
    article = publish("shared", co_authors=[co_author])
    article.co_authors.clear()
    edition = article.public_edition
    client = Client()
    html = _page(client, "lee-park").content.decode()
    assert "Question shared?" in html and "Co-author" in html
    assert {(c.user_id, c.role) for c in edition.credits.all()} >= {(co_author.pk, "co_author")}


def test_the_list_is_paginated(client, reviewer_page, publish, monkeypatch):
    monkeypatch.setattr("public.views.CONTRIBUTIONS_PER_PAGE", 1)
    publish("older")
    publish("newer")
    first = _page(client, "ana-reyes").content.decode()
    assert "Question newer?" in first and "Question older?" not in first
    assert 'href="?page=2" rel="next"' in first and "Page 1</span>" in first
    second = _page(client, "ana-reyes", page=2).content.decode()
    assert "Question older?" in second and "Question newer?" not in second
    assert 'rel="next"' not in second and 'href="?page=1" rel="prev"' in second
    assert _page(client, "ana-reyes", page=3).status_code == 404  # past the end


def test_the_page_runs_a_few_queries_however_much_there_is(
    client, reviewer_page, publish, django_assert_max_num_queries
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _page(client, "ana-reyes").status_code == 200
        return len(captured)

    topic = Topic.objects.create(name="Lung cancer", slug="lung-cancer")
    DisclosureFactory(contributor=reviewer_page, conflict_topics=[topic])
    publish("first")
    few = queries()
    for n in range(3):
        DisclosureFactory(
            contributor=reviewer_page,
            declared_on=date(2020 + n, 1, 1),
            conflict_topics=[Topic.objects.create(name=f"Topic {n}", slug=f"t{n}")],
        )
        publish(f"more-{n}")
    assert queries() == few
    # the profile with its person, disclosures, their topics, the count, the page of editions
    with django_assert_max_num_queries(5):
        _page(client, "ana-reyes")


# The article byline ----------------------------------------------------------------------------


def test_the_byline_names_and_links_the_authors_and_the_approver_with_credentials(
    client, author, reviewer_page, publish
):
    author.credentials = "Medical writer"
    author.save()
    ContributorProfileFactory(user=author, slug="sam-carter")
    co_author = UserFactory(username="co_author", display_name="Lee Park", credentials="PharmD")
    article = publish("an-article", co_authors=[co_author])
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert (
        'Written by <span class="author"><a href="/contributors/sam-carter/" rel="author">'
        "Sam Carter</a>, Medical writer</span>; "
        '<span class="author">Lee Park, PharmD</span>'  # no public page: named, not linked
    ) in html
    assert (
        'Approved by <span class="approver"><a href="/contributors/ana-reyes/">Dr. Ana Reyes</a>'
        ", MD, Oncology</span>"
    ) in html


def test_the_byline_prints_the_approver_as_the_edition_recorded_them(
    client, reviewer, reviewer_page, publish
):
    article = publish("an-article")
    reviewer.display_name, reviewer.credentials = "Prof. Ana Reyes-Smith", "MD, PhD"
    reviewer.save()
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert '<a href="/contributors/ana-reyes/">Dr. Ana Reyes</a>, MD, Oncology' in html
    assert "Reyes-Smith" not in html


def test_an_article_awaiting_review_names_its_author_and_no_approver(client, public_article):
    html = client.get(f"/articles/{public_article.slug}/").content.decode()
    assert 'Written by <span class="author">Sam Carter</span>' in html
    assert "Approved by" not in html


def test_a_cached_article_page_follows_its_contributors_pages(client, reviewer, publish):
    article = publish("an-article")

    def html() -> str:
        return client.get(article.get_absolute_url()).content.decode()

    assert "/contributors/" not in html()
    profile = fresh_profile(reviewer, slug="ana-reyes")
    change_surroundings("people", by=None)  # what the profile's admin page does on save
    assert 'href="/contributors/ana-reyes/"' in html()
    profile.is_public = False
    profile.save()
    change_surroundings("people", by=None)
    assert "/contributors/" not in html()


def test_an_edition_permalink_credits_that_editions_approver(client, reviewer_page, publish):
    article = publish("an-article")
    html = client.get(f"/articles/{article.slug}/editions/1/").content.decode()
    assert '<a href="/contributors/ana-reyes/">Dr. Ana Reyes</a>, MD, Oncology' in html


# Admin -----------------------------------------------------------------------------------------


def test_admins_keep_profiles_and_their_disclosures(client, admin_user, reviewer, reviewer_page):
    DisclosureFactory(contributor=reviewer_page)
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/contributorprofile/{reviewer_page.pk}/change/")
    assert page.status_code == 200 and "Consulting fees" in page.content.decode()
    assert client.get("/admin/contributors/disclosure/").status_code == 200
    assert client.get("/admin/accounts/contributorprofile/").status_code == 200


def test_a_disclosure_with_nothing_to_declare_lists_no_conflicts(client, admin_user, undisclosed):
    topic = Topic.objects.create(name="Lung cancer", slug="lung-cancer")
    client.force_login(admin_user)
    response = client.post(
        "/admin/contributors/disclosure/add/",
        {"contributor": undisclosed.pk, "declared_on": "2025-03-03", "none_to_declare": "on",
         "statement": "", "conflict_topics": [topic.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "lists no conflicts" in response.content.decode()
    assert not Disclosure.objects.exists()
    assert ContributorProfile.objects.get().disclosures.count() == 0


def test_an_admin_adds_a_disclosure_on_the_contributors_page(client, admin_user, undisclosed):
    topic = Topic.objects.create(name="Lung cancer", slug="lung-cancer")
    client.force_login(admin_user)
    url = f"/admin/accounts/contributorprofile/{undisclosed.pk}/change/"
    fields = {"user": undisclosed.user_id, "slug": "ana-reyes", "board_role": "Board",
              "affiliations": "", "bio": "", "is_public": "on"}  # fmt: skip
    inline = {"disclosures-TOTAL_FORMS": "1", "disclosures-INITIAL_FORMS": "0",
              "disclosures-0-declared_on": "2025-03-03", "disclosures-0-statement": "Fees.",
              "disclosures-0-conflict_topics": [topic.pk]}  # fmt: skip
    response = client.post(url, fields | inline)
    assert response.status_code == 302, response.content.decode()[:2000]
    disclosure = Disclosure.objects.get()
    assert disclosure.declared_on == date(2025, 3, 3)
    assert list(disclosure.conflict_topics.all()) == [topic]
