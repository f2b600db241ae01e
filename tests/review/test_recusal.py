"""Recusal and disclosures that mean it: a reviewer with a declared conflict on one of an
article's topics takes no part in its review; one whose disclosure is missing or a year old
approves nothing until they renew it (on a page of their own)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ContributorProfile
from articles.models import Article, ReviewState, Topic
from contributors.models import Disclosure
from review import services
from review.errors import InvalidTransition, NotAllowed
from review.models import ReviewAssignment, ReviewEvent
from tests.contributor_factories import DisclosureFactory
from tests.factories import UserFactory

RECUSED = "so you take no part in its review: another reviewer must."


@pytest.fixture
def lung_cancer(db):
    return Topic.objects.create(name="Lung cancer", slug="lung-cancer")


@pytest.fixture
def submitted(make_article, author, seen, lung_cancer):
    article = make_article()
    article.topics.add(lung_cancer)
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


@pytest.fixture
def conflicted(reviewer, lung_cancer):
    """`reviewer`, whose disclosure in force (of today) declares a conflict on lung cancer."""
    DisclosureFactory(contributor=reviewer.contributor_profile, conflict_topics=[lung_cancer])
    return reviewer


def _post(client, article, move, **data):
    from articles.selectors import latest_revision_id
    from tests.factories import CHECKLIST_FIELDS

    payload = {"seen_revision_id": latest_revision_id(article), "comment": "", "note": ""}
    if move == "approve":  # the board's checklist, answered
        payload |= CHECKLIST_FIELDS
    return client.post(f"/review/articles/{article.slug}/{move}/", payload | data)


def _state(article) -> str:
    return Article.objects.get(pk=article.pk).state


# Per move, over HTTP -------------------------------------------------------------------------


def test_a_conflicted_reviewer_cannot_start_the_review(client, conflicted, submitted):
    client.force_login(conflicted)
    response = _post(client, submitted, "start_review")
    assert response.status_code == 403
    assert RECUSED in response.content.decode()
    assert _state(submitted) == ReviewState.SUBMITTED


def test_a_conflicted_reviewer_cannot_request_changes(
    client, conflicted, reviewer2, submitted, seen
):
    services.make_move("start_review", article=submitted, by=reviewer2,
                       seen_revision_id=seen(submitted))  # fmt: skip
    client.force_login(conflicted)
    response = _post(client, submitted, "request_changes", comment="Cite the trial.")
    assert response.status_code == 403 and RECUSED in response.content.decode()
    assert _state(submitted) == ReviewState.UNDER_REVIEW


def test_a_conflicted_reviewer_cannot_comment(client, conflicted, submitted):
    client.force_login(conflicted)
    response = client.post(f"/review/articles/{submitted.slug}/comment/", {"body": "Looks fine."})
    assert response.status_code == 403 and RECUSED in response.content.decode()
    assert not ReviewEvent.objects.filter(article=submitted, action="comment").exists()


def test_the_review_page_shows_each_of_their_buttons_disabled_with_the_reason(
    client, conflicted, submitted
):
    client.force_login(conflicted)
    html = client.get(f"/review/articles/{submitted.slug}/").content.decode()
    assert (
        '<button type="submit" disabled aria-describedby="why-start_review">Start review</button>'
        in html
    )
    assert 'disabled aria-describedby="why-comment">Post comment</button>' in html
    assert html.count(RECUSED) == 2
    assert 'name="body"' not in html  # no comment box to type into


def test_other_reviewers_and_the_author_act_as_before(
    client, conflicted, reviewer2, author, submitted
):
    client.force_login(reviewer2)
    assert _post(client, submitted, "start_review").status_code == 302
    assert client.post(f"/review/articles/{submitted.slug}/comment/",
                       {"body": "Checking doses."}).status_code == 302  # fmt: skip
    client.force_login(author)
    assert client.post(f"/review/articles/{submitted.slug}/comment/",
                       {"body": "Thanks."}).status_code == 302  # fmt: skip


def test_a_reviewer_who_wrote_the_article_still_answers_comments(
    conflicted, submitted, lung_cancer
):
    submitted.co_authors.add(conflicted)
    services.add_comment(article=submitted, by=conflicted, body="The dose is from the label.")
    assert ReviewEvent.objects.filter(article=submitted, actor=conflicted).exists()


def test_a_conflict_on_another_topic_leaves_them_free(client, reviewer, submitted):
    cardiology = Topic.objects.create(name="Cardiology", slug="c")
    DisclosureFactory(contributor=reviewer.contributor_profile, conflict_topics=[cardiology])
    client.force_login(reviewer)
    assert _post(client, submitted, "start_review").status_code == 302


# Assignment ----------------------------------------------------------------------------------


def test_a_conflicted_reviewer_is_not_offered_for_assignment(
    client, admin_user, conflicted, reviewer2, submitted
):
    client.force_login(admin_user)
    html = client.get(f"/review/articles/{submitted.slug}/").content.decode()
    assert f'<option value="{reviewer2.pk}">' in html
    assert f'<option value="{conflicted.pk}">' not in html


def test_assigning_a_conflicted_reviewer_is_refused_with_the_reason(
    client, admin_user, conflicted, submitted
):
    client.force_login(admin_user)
    response = client.post(
        f"/review/articles/{submitted.slug}/assign/", {"reviewer": conflicted.pk}, follow=True
    )
    html = response.content.decode()
    assert "Dr. Ana Reyes declared a conflict of interest on Lung cancer" in html
    assert not ReviewAssignment.objects.filter(article=submitted).exists()
    with pytest.raises(InvalidTransition, match="assign another reviewer"):
        services.assign_reviewer(article=submitted, reviewer=conflicted, by=admin_user)


def test_the_offered_list_reads_the_disclosure_in_force_only(admin_user, conflicted, submitted):
    from review.selectors import eligible_reviewers

    assert conflicted not in eligible_reviewers(submitted)
    DisclosureFactory(contributor=conflicted.contributor_profile,
                      declared_on=timezone.localdate() + timedelta(days=1),
                      none_to_declare=True, statement="")  # fmt: skip
    assert conflicted in eligible_reviewers(submitted)


# Disclosures ---------------------------------------------------------------------------------


@pytest.fixture
def under_review(submitted, reviewer2, seen):
    services.make_move("start_review", article=submitted, by=reviewer2,
                       seen_revision_id=seen(submitted))  # fmt: skip
    return submitted


def _age(user, days: int) -> None:
    disclosure = Disclosure.objects.current_for(user.pk)
    disclosure.declared_on = timezone.localdate() - timedelta(days=days)
    disclosure.save()


def test_an_overdue_disclosure_stops_an_approval_and_the_button_links_to_renewal(
    client, reviewer, under_review
):
    _age(reviewer, 400)
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    assert '<button type="submit" disabled aria-describedby="why-approve">Approve</button>' in html
    assert "was due for renewal on" in html
    assert '<a href="/review/disclosure/">Renew your disclosure</a>' in html
    response = _post(client, under_review, "approve")
    assert response.status_code == 403
    assert _state(under_review) == ReviewState.UNDER_REVIEW


def test_a_disclosure_of_364_days_still_allows_approval(client, reviewer, under_review):
    _age(reviewer, 364)
    client.force_login(reviewer)
    assert _post(client, under_review, "approve").status_code == 302
    assert _state(under_review) == ReviewState.APPROVED


def test_a_reviewer_with_no_disclosure_cannot_approve(client, under_review):
    newcomer = UserFactory(username="newcomer", display_name="Dr. New")
    from django.contrib.auth.models import Group

    newcomer.groups.add(Group.objects.get(name="Reviewers"))
    with pytest.raises(NotAllowed, match="no conflict-of-interest disclosure on file"):
        services.make_move("approve", article=under_review, by=newcomer,
                           seen_revision_id=_seen(under_review))  # fmt: skip


def _seen(article):
    from articles.selectors import latest_revision_id

    return latest_revision_id(article)


def test_renewing_on_the_page_lets_them_approve(client, reviewer, under_review, lung_cancer):
    _age(reviewer, 400)
    client.force_login(reviewer)
    page = client.get("/review/disclosure/")
    assert page.status_code == 200
    assert "Your disclosure is due for renewal" in page.content.decode()
    response = client.post(
        "/review/disclosure/",
        {"statement": "Advisory fees from Example Pharma (breast cancer drugs)."},
        follow=True,
    )
    assert "Your disclosure is renewed" in response.content.decode()
    current = Disclosure.objects.current_for(reviewer.pk)
    assert current.declared_on == timezone.localdate() and not current.none_to_declare
    assert _post(client, under_review, "approve").status_code == 302


def test_a_renewal_is_a_revision_by_its_author(client, reviewer):
    from reversion.models import Version

    client.force_login(reviewer)
    client.post("/review/disclosure/", {"none_to_declare": "on"})
    version = Version.objects.get_for_model(Disclosure).order_by("-pk").first()
    assert version.revision.user == reviewer


def test_declaring_a_conflict_on_renewal_recuses_them(client, reviewer, submitted, lung_cancer):
    client.force_login(reviewer)
    client.post("/review/disclosure/",
                {"statement": "Shares in a lung cancer drug maker.",
                 "conflict_topics": [lung_cancer.pk]})  # fmt: skip
    assert _post(client, submitted, "start_review").status_code == 403


def test_the_renewal_form_refuses_what_contradicts_itself(client, reviewer, lung_cancer):
    client.force_login(reviewer)
    before = Disclosure.objects.count()
    both = client.post("/review/disclosure/",
                       {"none_to_declare": "on", "conflict_topics": [lung_cancer.pk]})  # fmt: skip
    neither = client.post("/review/disclosure/", {"statement": "  "})
    assert both.status_code == neither.status_code == 400
    assert "untick one or the other" in both.content.decode()
    assert "Say what you declare" in neither.content.decode()
    assert Disclosure.objects.count() == before


def test_a_reviewer_without_a_page_gets_a_private_one_on_renewing(client, db):
    from django.contrib.auth.models import Group

    newcomer = UserFactory(username="newcomer", display_name="Dr. Noor Haddad")
    newcomer.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    client.force_login(newcomer)
    assert "You have no contributor page yet" in client.get("/review/disclosure/").content.decode()
    response = client.post("/review/disclosure/", {"none_to_declare": "on"}, follow=True)
    assert "A contributor page was made for you" in response.content.decode()
    profile = ContributorProfile.objects.get(user=newcomer)
    assert profile.slug == "dr-noor-haddad" and not profile.is_public
    assert client.get("/contributors/dr-noor-haddad/").status_code == 404


def test_only_people_of_the_review_area_renew_here(client, db):
    client.force_login(UserFactory(username="reader"))
    assert client.get("/review/disclosure/").status_code == 403
    client.logout()
    assert client.get("/review/disclosure/").status_code == 302  # to sign in


# The dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_the_renewal_date(client, reviewer):
    client.force_login(reviewer)
    due = Disclosure.objects.current_for(reviewer.pk).renewal_due_on
    html = client.get("/review/").content.decode()
    assert f'renewal due <time datetime="{due:%Y-%m-%d}">' in html
    _age(reviewer, 400)
    html = client.get("/review/").content.decode()
    assert "Your disclosure is due for renewal" in html and "Renew your disclosure" in html


def test_the_authors_dashboard_says_nothing_of_disclosures(client, author):
    client.force_login(author)
    assert "disclosure" not in client.get("/review/").content.decode().lower()


def test_the_editorial_policy_explains_recusal_and_renewal(client, db):
    html = client.get("/editorial-policy/").content.decode()
    assert "renewed their disclosure within the last year" in html
    assert "with no declared conflict of interest on its topics takes the article" in html
