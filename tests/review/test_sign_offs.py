"""Approval as "approved by enough of the right people": the sign-off policy enforced through the
transition table, each sign-off recorded against its revision with the board's checklist, and
the edition naming every approver. Over HTTP, per role."""

import json
import re

import pytest
from django.contrib.auth.models import Group

from accounts.models import ContributorProfile
from articles.models import Article, Edition, ReviewState, Topic
from articles.selectors import latest_revision_id
from personalization.models import Audience, ReaderRole
from personalization.services import save_variant
from publishing.editions import check_seal
from review import services
from review.checklist import ITEMS
from review.errors import InvalidTransition, NotAllowed
from review.models import Notification, ReviewEvent, SignOff, SignOffPolicy
from review.workflow import MOVES, REVIEWERS, refusal
from tests.contributor_factories import ContributorProfileFactory, DisclosureFactory
from tests.factories import CHECKLIST_FIELDS, SIGNED_CHECKLIST, UserFactory


@pytest.fixture
def oncology(db):
    topic = Topic.objects.create(name="Oncology", slug="oncology")
    SignOffPolicy.objects.create(
        topic=topic, approvals_required=2, specialty_required="oncology", review_days=10
    )
    return topic


@pytest.fixture
def oncologist(reviewer):
    """`reviewer`, an oncologist (as load_demo makes both demo reviewers)."""
    _profile(reviewer, specialties="oncology, thoracic oncology")
    return reviewer


@pytest.fixture
def oncologist2(reviewer2):
    reviewer2.credentials = "MD, PhD, Thoracic Oncology"
    reviewer2.save()
    _profile(reviewer2, specialties="Oncology")
    return reviewer2


@pytest.fixture
def cardiologist(db):
    user = UserFactory(username="cardio", display_name="Dr. Kim Park", credentials="MD")
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS)[0])
    _profile(user, specialties="cardiology")
    return user


@pytest.fixture
def under_review(make_article, author, reviewer, oncology, seen, professional_disclaimer):
    article = make_article(slug="oncology-article")
    article.topics.add(oncology)
    for name, by in (("submit", author), ("start_review", reviewer)):
        services.make_move(name, article=article, by=by, seen_revision_id=seen(article))
    article.refresh_from_db()
    return article


def _approve(client, article, user, **fields):
    client.force_login(user)
    data = {"seen_revision_id": latest_revision_id(article), "comment": "", "note": ""}
    return client.post(
        f"/review/articles/{article.slug}/approve/", {**data, **CHECKLIST_FIELDS, **fields}
    )


def _review_page(client, article, user) -> str:
    client.force_login(user)
    return client.get(f"/review/articles/{article.slug}/").content.decode()


def test_the_first_of_two_sign_offs_leaves_the_article_under_review_and_says_what_is_needed(
    client, under_review, oncologist, oncologist2
):
    page = _review_page(client, under_review, oncologist)
    assert ">Approve (sign-off 1 of 2)</button>" in page
    assert 'id="note-approve"' not in page  # the note goes with the sign-off that publishes

    response = _approve(client, under_review, oncologist)

    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.UNDER_REVIEW
    assert under_review.live_revision_id is None and not under_review.editions.approved().exists()
    page = client.get(response.url).content.decode()
    assert "Signed off. The article stays under review: 1 of 2 sign-offs; still needed: " in page
    assert "1 more sign-off" in page
    sign_off = SignOff.objects.get()
    assert sign_off.revision_id == latest_revision_id(under_review)  # no revision of its own
    assert sign_off.specialties == ["oncology", "thoracic oncology"]
    assert [answer["answer"] for answer in sign_off.checklist] == ["confirmed"] * len(ITEMS)
    event = under_review.review_events.latest("pk")
    assert event.action == ReviewEvent.Action.SIGN_OFF
    assert event.comment.startswith("Signed off: 1 of 2 sign-offs")
    told = Notification.objects.get(event=event)  # the authors hear of it, after the commit
    assert told.recipient == under_review.author
    assert told.email.subject == "Signed off (1 of 2): What is the answer?"
    # The next reviewer's button says which sign-off theirs is; the page shows the first one.
    page = _review_page(client, under_review, oncologist2)
    assert ">Approve (sign-off 2 of 2)</button>" in page
    assert 'id="note-approve"' in page
    sign_offs = page[page.index('id="sign-offs-title"') : page.index('id="actions-title"')]
    assert "Dr. Ana Reyes" in sign_offs and "✓ Claims match the cited sources" in sign_offs


def test_the_sign_off_that_completes_the_policy_publishes_an_edition_naming_both(
    client, under_review, oncologist, oncologist2
):
    assert _approve(client, under_review, oncologist).status_code == 302
    response = _approve(client, under_review, oncologist2, note="")

    assert response.status_code == 302
    assert "Approve (sign-off 2 of 2): done." in client.get(response.url).content.decode()
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.APPROVED
    assert under_review.approved_by == oncologist2
    edition = under_review.public_edition
    assert edition.kind == Edition.Kind.APPROVED and edition.number == 1
    assert [(a["name"], a["credentials"]) for a in edition.approvers] == [
        ("Dr. Ana Reyes", "MD, Oncology"),
        ("Dr. Tomas Lind", "MD, PhD, Thoracic Oncology"),
    ]
    assert all(len(a["checklist"]) == len(ITEMS) for a in edition.approvers)
    assert edition.change_log[-1]["approved_by"] == [
        "Dr. Ana Reyes, MD, Oncology",
        "Dr. Tomas Lind, MD, PhD, Thoracic Oncology",
    ]
    # The review page names both, for the approved text and on the sign-offs panel.
    review = re.sub(
        r"\s+", " ", client.get(f"/review/articles/{under_review.slug}/").content.decode()
    )
    assert "Readers see the version approved by Dr. Ana Reyes and Dr. Tomas Lind" in review
    assert "signed off by Dr. Ana Reyes (MD, Oncology) and Dr. Tomas Lind" in review
    # Readers see both, with their credentials, in the byline, the JSON-LD and the change log.
    client.logout()
    page = client.get(under_review.get_absolute_url()).content.decode()
    byline = re.sub(r"\s+", " ", page[page.index('class="byline"') :][:1500])
    assert "Approved by" in byline
    assert "Dr. Ana Reyes</a>, MD, Oncology" in byline
    assert "Dr. Tomas Lind</a>, MD, PhD, Thoracic Oncology" in byline
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert [person["name"] for person in data["reviewedBy"]] == ["Dr. Ana Reyes", "Dr. Tomas Lind"]
    assert "Signed off by Dr. Ana Reyes, MD, Oncology; Dr. Tomas Lind" in page


def test_a_reviewer_cannot_give_two_sign_offs_on_one_revision(client, under_review, oncologist):
    assert _approve(client, under_review, oncologist).status_code == 302

    page = _review_page(client, under_review, oncologist)
    assert re.search(r"<button type=\"submit\" disabled[^>]*>Approve \(sign-off 2 of 2\)", page)
    assert "You signed off this revision on" in page
    response = _approve(client, under_review, oncologist)

    assert response.status_code == 403
    assert "another reviewer must give the next sign-off" in response.content.decode()
    assert SignOff.objects.count() == 1


def test_the_last_sign_off_must_bring_the_required_specialty(
    client, under_review, cardiologist, reviewer2, oncologist
):
    assert _approve(client, under_review, cardiologist).status_code == 302  # 1 of 2: may wait

    found = refusal(MOVES["approve"], article=under_review, user=reviewer2)  # no profile at all
    assert found.error is NotAllowed and found.offered
    assert "a reviewer with the oncology specialty is still missing" in found.message
    response = _approve(client, under_review, reviewer2)
    assert response.status_code == 403
    assert "oncology specialty" in response.content.decode()
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.UNDER_REVIEW

    assert _approve(client, under_review, oncologist).status_code == 302
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.APPROVED


def test_an_edit_starts_the_sign_offs_again(
    client, under_review, author, oncologist, oncologist2, seen
):
    assert _approve(client, under_review, oncologist).status_code == 302
    services.make_move("request_changes", article=under_review, by=oncologist2,
                       seen_revision_id=seen(under_review), comment="Add the dose.")  # fmt: skip
    services.edit_article(
        article=under_review, by=author, seen_revision_id=seen(under_review),
        title=under_review.title, summary=under_review.summary,
        body=under_review.body + "\nDose: 5.4 mg/kg.\n", literature_current_through=None,
        comment="Dose added",
    )  # fmt: skip
    for name, by in (("submit", author), ("start_review", oncologist2)):
        services.make_move(name, article=under_review, by=by, seen_revision_id=seen(under_review))

    page = _review_page(client, under_review, oncologist)
    assert "0 of 2 sign-offs; still needed: 2 more sign-offs" in page
    assert ">Approve (sign-off 1 of 2)</button>" in page  # the first reviewer may sign again
    assert _approve(client, under_review, oncologist).status_code == 302
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.UNDER_REVIEW
    assert _approve(client, under_review, oncologist2).status_code == 302
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.APPROVED
    assert len(under_review.public_edition.approvers) == 2  # the old sign-off is not named


def test_an_incomplete_checklist_is_refused_and_what_was_answered_comes_back(
    client, under_review, oncologist
):
    response = _approve(
        client, under_review, oncologist, **{"check-numbers": "not_applicable",
                                             "check-claims": "", "comment": "Fine."}
    )  # fmt: skip

    assert response.status_code == 400
    html = response.content.decode()
    assert "The checklist is not complete" in html
    assert "Answer “Claims match the cited sources”." in html
    assert "Say why “Doses and numbers checked” does not apply." in html
    assert 'value="not_applicable" checked' in html  # the answer given is kept
    assert not SignOff.objects.exists()


def test_not_applicable_needs_a_reason_and_only_where_the_item_allows_it(
    client, under_review, oncologist, oncologist2
):
    skipped = {"check-claims": "not_applicable", "reason-claims": "None made."}
    response = _approve(client, under_review, oncologist, **skipped)
    assert response.status_code == 400
    assert "applies to every article: confirm it" in response.content.decode()

    response = _approve(
        client, under_review, oncologist,
        **{"check-numbers": "not_applicable", "reason-numbers": "No doses in this answer."},
    )  # fmt: skip
    assert response.status_code == 302
    answer = next(a for a in SignOff.objects.get().checklist if a["key"] == "numbers")
    assert answer == {"key": "numbers", "question": "Doses and numbers checked",
                      "answer": "not_applicable", "reason": "No doses in this answer."}  # fmt: skip
    page = _review_page(client, under_review, oncologist2)
    assert "Doses and numbers checked: not applicable (No doses in this answer.)" in page


def test_the_service_refuses_a_sign_off_without_the_checklist(under_review, oncologist, seen):
    with pytest.raises(InvalidTransition, match="The checklist is not complete"):
        services.make_move("approve", article=under_review, by=oncologist,
                           seen_revision_id=seen(under_review))  # fmt: skip
    assert not SignOff.objects.exists()


@pytest.mark.parametrize(
    "declared", [{"correction": "The dose is 5.4 mg/kg."}, {"go_live_on": "tomorrow"}]
)
def test_a_sign_off_short_of_the_policy_declares_no_correction_or_go_live_day(
    client, under_review, oncologist, seen, declared
):
    from datetime import timedelta

    from django.utils import timezone

    if "go_live_on" in declared:
        declared = {"go_live_on": timezone.localdate() + timedelta(days=1)}
    with pytest.raises(InvalidTransition, match="go with the sign-off that publishes"):
        services.make_move("approve", article=under_review, by=oncologist,
                           seen_revision_id=seen(under_review), checklist=SIGNED_CHECKLIST,
                           **declared)  # fmt: skip
    assert not SignOff.objects.exists()  # nothing was recorded, so nothing typed is lost
    client.force_login(oncologist)
    html = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    assert "corrects a clinically meaningful error" not in html and "Publish on" not in html


@pytest.mark.parametrize("who", ["author", "editor"])
def test_only_the_board_signs_off(client, under_review, author, editor, who):
    user = {"author": author, "editor": editor}[who]
    response = _approve(client, under_review, user)
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_a_topic_without_a_policy_row_approves_with_one_sign_off(
    client, make_article, author, reviewer, seen, professional_disclaimer
):
    article = make_article(slug="plain-article")
    for name, by in (("submit", author), ("start_review", reviewer)):
        services.make_move(name, article=article, by=by, seen_revision_id=seen(article))
    assert ">Approve</button>" in _review_page(client, article, reviewer)

    assert _approve(client, article, reviewer).status_code == 302
    article.refresh_from_db()
    assert article.state == ReviewState.APPROVED
    assert [a["name"] for a in article.public_edition.approvers] == ["Dr. Ana Reyes"]


@pytest.fixture
def lay_policy(oncology):
    SignOffPolicy.objects.filter(topic=oncology).update(
        approvals_required=1, specialty_required="", plain_language_required=True
    )


def _with_patient_version(article: Article, author) -> None:
    patient = ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8, order=1
    )
    save_variant(article=article, role=patient, summary="In short.", body="Plain words.",
                 by=author, comment="Patient version")  # fmt: skip


def test_lay_versions_need_a_plain_language_reviewer(
    make_article, author, reviewer, reviewer2, oncology, lay_policy, seen
):
    article = make_article(slug="lay-article")
    article.topics.add(oncology)
    _with_patient_version(article, author)
    for name, by in (("submit", author), ("start_review", reviewer)):
        services.make_move(name, article=article, by=by, seen_revision_id=seen(article))

    with pytest.raises(NotAllowed, match="a plain-language reviewer is still missing"):
        services.make_move("approve", article=article, by=reviewer, seen_revision_id=seen(article),
                           checklist=SIGNED_CHECKLIST)  # fmt: skip
    _profile(reviewer2, plain_language_reviewer=True)
    services.make_move("approve", article=article, by=reviewer2, seen_revision_id=seen(article),
                       checklist=SIGNED_CHECKLIST)  # fmt: skip
    article.refresh_from_db()
    assert article.state == ReviewState.APPROVED


def test_without_lay_versions_no_plain_language_reviewer_is_needed(
    under_review, reviewer, lay_policy, seen
):
    services.make_move("approve", article=under_review, by=reviewer,
                       seen_revision_id=seen(under_review), checklist=SIGNED_CHECKLIST)  # fmt: skip
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.APPROVED


def test_the_edition_fingerprint_covers_its_approvers(
    client, under_review, oncologist, oncologist2
):
    _approve(client, under_review, oncologist)
    _approve(client, under_review, oncologist2)
    edition = Edition.objects.get(article=under_review)
    assert check_seal(edition) == []
    edition.approvers[0]["credentials"] = "MD"
    assert check_seal(edition) == ["approvers differs from what was sealed"]


def test_the_policy_page_explains_the_rules_from_the_rows(client, oncology):
    SignOffPolicy.objects.create(topic=None, approvals_required=1, review_days=14)

    page = re.sub(r"\s+", " ", client.get("/editorial-policy/").content.decode())

    assert 'id="sign-off-rules"' in page
    assert (
        '<th scope="row">Every article (site default)</th><td>1 board member signs off; each '
        "assignment is due within 14 days.</td>"
    ) in page
    assert (
        '<th scope="row">Oncology</th><td>2 board members sign off; one of them a reviewer with '
        "the oncology specialty; each assignment is due within 10 days.</td>"
    ) in page
    for item in ITEMS:
        assert item.question in page


def test_the_admin_edits_qualifications_and_shows_the_edition_record(
    client, admin_user, under_review, oncologist, oncologist2
):
    _approve(client, under_review, oncologist)
    _approve(client, under_review, oncologist2)
    client.force_login(admin_user)
    profile = oncologist.contributor_profile
    page = client.get(f"/admin/accounts/contributorprofile/{profile.pk}/change/").content.decode()
    assert 'name="specialties"' in page and 'name="plain_language_reviewer"' in page
    under_review.refresh_from_db()
    edition = under_review.public_edition
    page = client.get(f"/admin/articles/edition/{edition.pk}/change/").content.decode()
    assert "Dr. Ana Reyes" in page and "Dr. Tomas Lind" in page
    assert "Claims match the cited sources: confirmed" in page


def test_each_approver_s_contributor_page_lists_the_edition_they_signed_off(
    client, under_review, oncologist, oncologist2
):
    _approve(client, under_review, oncologist)  # the first of two: not the one who published
    _approve(client, under_review, oncologist2)
    client.logout()

    for person in (oncologist, oncologist2):
        page = client.get(f"/contributors/{person.contributor_profile.slug}/").content.decode()
        assert "What is the answer?" in page
        assert f"Approved by {person.public_name}" in page


def _profile(user, **fields) -> ContributorProfile:
    """The board member's contributor page (the fixtures' reviewers have one, with a current
    disclosure) with these qualifications; a new one, disclosed, for a new member."""
    profile = ContributorProfile.objects.filter(user=user).first()
    if profile is None:
        profile = ContributorProfileFactory(user=user, **fields)
        DisclosureFactory(contributor=profile, none_to_declare=True, statement="")
        return profile
    for name, value in {"is_public": True, **fields}.items():
        setattr(profile, name, value)
    profile.save()
    user._state.fields_cache.pop("contributor_profile", None)  # read afresh
    return profile
