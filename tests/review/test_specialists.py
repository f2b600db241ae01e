"""Outside specialists: invited by an editor, advising through a link on one revision."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ReviewState, Topic
from outbox.models import Email
from review import services, specialists
from review.errors import InvalidTransition, NotAllowed
from review.models import SignOffPolicy, SpecialistInvitation
from tests.factories import SIGNED_CHECKLIST


@pytest.fixture
def under_review(make_article, author, reviewer, seen):
    article = make_article()
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    return article


@pytest.fixture
def invite(editor, under_review):
    def make(**fields):
        fields = {"name": "Dr. Lena Berg", "email": "lena@example.net",
                  "credentials": "MD, thoracic oncology", **fields}  # fmt: skip
        return specialists.invite_specialist(article=under_review, by=editor, **fields)

    return make


def _token(invited) -> str:
    return invited.link.rsplit("/outside/", 1)[1].strip("/")


def test_an_editor_invites_a_specialist_by_an_email_through_the_outbox(invite, under_review):
    invited = invite()
    email = Email.objects.get(to="lena@example.net")
    assert invited.link in email.body and under_review.title in email.subject
    row = invited.invitation
    lifetime = row.expires_at - row.created_at
    assert abs(lifetime - timedelta(days=14)) < timedelta(seconds=5)
    # Only the secret's digest is kept; the link is not in the row.
    assert _token(invited).split(".", 1)[1] not in row.secret_sha256


def test_only_editors_and_admins_invite(reviewer, author, under_review):
    for person in (reviewer, author):
        with pytest.raises(NotAllowed):
            specialists.invite_specialist(article=under_review, by=person, name="X",
                                          email="x@example.net", credentials="MD")  # fmt: skip


def test_the_link_opens_the_revision_read_only_with_no_session(client, invite, under_review):
    invited = invite()
    response = client.get(f"/review/outside/{_token(invited)}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert under_review.title in html and "Platinum doublet first" in html
    assert "Send my advice to the board" in html
    assert "sessionid" not in response.cookies
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    assert response["Referrer-Policy"] == "same-origin"  # the link never leaves in a Referer
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # The rest of the review area stays closed to the link's holder.
    assert client.get(f"/review/articles/{under_review.slug}/").status_code == 302


def test_advice_is_recorded_once_and_the_page_then_thanks_them(client, invite, editor):
    invited = invite()
    url = f"/review/outside/{_token(invited)}/"
    response = client.post(url, {"recommendation": "after_changes", "advice": "Add the dose."})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Thank you" in html and "Add the dose." in html and "Approve after changes" in html
    again = client.post(url, {"recommendation": "ready", "advice": "Changed my mind"})
    assert again.status_code == 200
    invited.invitation.refresh_from_db()
    assert invited.invitation.recommendation == "after_changes"
    assert Email.objects.filter(subject__startswith="Outside advice", to=editor.email).exists()


def test_advice_short_of_approval_must_say_why(client, invite):
    url = f"/review/outside/{_token(invite())}/"
    response = client.post(url, {"recommendation": "do_not_approve", "advice": ""})
    assert response.status_code == 400
    assert "Say what should change" in response.content.decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # a wrong secret
        lambda t: "999999." + t.split(".", 1)[1],  # another invitation's number
        lambda t: t.split(".", 1)[0],  # no secret at all
        lambda t: "nonsense",
    ],
)
def test_a_wrong_link_opens_nothing(client, invite, mangle):
    response = client.get(f"/review/outside/{mangle(_token(invite()))}/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_an_expired_link_says_so(client, invite):
    invited = invite()
    SpecialistInvitation.objects.filter(pk=invited.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = f"/review/outside/{_token(invited)}/"
    response = client.get(url)
    assert response.status_code == 410 and "This link expired on" in response.content.decode()
    posted = client.post(url, {"recommendation": "ready", "advice": ""})
    assert posted.status_code == 410
    assert not SpecialistInvitation.objects.get(pk=invited.invitation.pk).advised_at


def test_a_revoked_link_says_so(client, invite, editor, under_review):
    invited = invite()
    client.force_login(editor)
    revoke = f"/review/articles/{under_review.slug}/specialists/{invited.invitation.pk}/revoke/"
    assert client.post(revoke).status_code == 302
    client.logout()
    response = client.get(f"/review/outside/{_token(invited)}/")
    assert response.status_code == 410 and "withdrawn by the editors" in response.content.decode()


def test_a_reviewer_may_not_revoke_or_invite_over_http(client, invite, reviewer, under_review):
    invited = invite()
    client.force_login(reviewer)
    revoke = f"/review/articles/{under_review.slug}/specialists/{invited.invitation.pk}/revoke/"
    assert client.post(revoke).status_code == 403
    response = client.post(f"/review/articles/{under_review.slug}/specialists/", {
        "invite-name": "X", "invite-email": "x@example.net", "invite-credentials": "MD",
        "invite-days": 14,
    })  # fmt: skip
    assert response.status_code == 403


def test_the_editor_invites_from_the_review_page(client, editor, under_review):
    client.force_login(editor)
    page = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    assert "Invite an outside specialist" in page and "Send invitation" in page
    response = client.post(f"/review/articles/{under_review.slug}/specialists/", {
        "invite-name": "Dr. Lena Berg", "invite-email": "lena@example.net",
        "invite-credentials": "MD, thoracic oncology", "invite-days": 7,
    }, follow=True)  # fmt: skip
    html = response.content.decode()
    assert "Invitation e-mailed to Dr. Lena Berg" in html
    assert "Waiting for advice" in html
    # The editor never sees the link: it goes to the specialist only.
    assert "/review/outside/" not in html


def test_advice_appears_on_the_review_page_naming_the_specialist_and_revision(
    client, invite, reviewer, under_review
):
    invited = invite()
    client.post(f"/review/outside/{_token(invited)}/",
                {"recommendation": "ready", "advice": "Sound."})  # fmt: skip
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    section = html.split('id="outside-title"')[1].split("</section>")[0]
    assert "Dr. Lena Berg" in section and "MD, thoracic oncology" in section
    assert "Ready to approve" in section and "Sound." in section
    assert re.search(rf"the current text\s*\(revision {invited.invitation.revision_id}\)", section)


@pytest.fixture
def advice_required(under_review):
    topic = Topic.objects.create(name="Oncology", slug="oncology")
    SignOffPolicy.objects.create(topic=topic, outside_advice_required=True)
    under_review.topics.add(topic)
    return under_review


def test_policy_requires_advice_on_the_current_text_before_approval(
    advice_required, invite, reviewer, seen, client
):
    article = advice_required
    with pytest.raises(InvalidTransition, match="outside specialist's advice"):
        services.make_move(
            "approve",
            checklist=SIGNED_CHECKLIST,
            article=article,
            by=reviewer,
            seen_revision_id=seen(article),
        )
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "needs an outside specialist" in html  # the button, disabled, says why
    invited = invite()
    specialists.submit_advice(invitation=invited.invitation, recommendation="ready", advice="")
    services.make_move(
        "approve",
        checklist=SIGNED_CHECKLIST,
        article=article,
        by=reviewer,
        seen_revision_id=seen(article),
    )
    article.refresh_from_db()
    assert article.state == ReviewState.APPROVED


def test_advice_on_an_earlier_text_does_not_count(advice_required, invite, author, reviewer, seen):
    article = advice_required
    invited = invite()
    specialists.submit_advice(invitation=invited.invitation, recommendation="ready", advice="")
    services.make_move("request_changes", article=article, by=reviewer,
                       seen_revision_id=seen(article), comment="Shorter.")  # fmt: skip
    services.edit_article(article=article, by=author, seen_revision_id=seen(article),
                          title=article.title, summary=article.summary,
                          body=article.body + "\nMore.",
                          literature_current_through=None, comment="Edited")  # fmt: skip
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    with pytest.raises(InvalidTransition, match="outside specialist's advice"):
        services.make_move(
            "approve",
            checklist=SIGNED_CHECKLIST,
            article=article,
            by=reviewer,
            seen_revision_id=seen(article),
        )


def test_the_secret_is_compared_in_constant_time(monkeypatch, invite):
    """Found or not, a link costs one compare_digest of two SHA-256 digests."""
    import hmac

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(specialists.hmac, "compare_digest",
                        lambda a, b: calls.append((len(a), len(b))) or real(a, b))  # fmt: skip
    token = _token(invite())
    assert specialists.invitation_for_link(token) is not None
    assert specialists.invitation_for_link("424242." + token.split(".")[1]) is None
    assert calls == [(64, 64), (64, 64)]
