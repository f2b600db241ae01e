"""Submitting publishes nothing; a never-approved article reaches readers only when an editor,
reviewer or admin publishes it provisionally (a recorded move), with the caution and tracker."""

import pytest
from django.contrib.auth.models import Group

from articles.models import Edition, ReviewState
from articles.selectors import latest_revision_id
from outbox.models import Email
from review import services
from review.models import ReviewEvent
from review.services import edit_article, make_move
from tests.factories import CHECKLIST_FIELDS, SIGNED_CHECKLIST, UserFactory

PAGE = "/articles/{}/"


def _post_move(client, article, name, comment=""):
    return client.post(
        f"/review/articles/{article.slug}/{name}/",
        {"comment": comment, "seen_revision_id": latest_revision_id(article), **CHECKLIST_FIELDS},
    )


def _review_page(client, article) -> str:
    return client.get(f"/review/articles/{article.slug}/").content.decode()


def _actions(html: str) -> str:
    return html.split('id="actions-title"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def submitted(make_article, author, seen, professional_disclaimer):
    article = make_article(title="Is zongertinib the first choice?")
    make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


def _rewrite(article, by, seen, **fields):
    text = {"title": article.title, "summary": article.summary, "body": article.body}
    edit_article(
        article=article, by=by, seen_revision_id=seen(article), literature_current_through=None,
        comment="Rewritten", **{**text, **fields},
    )  # fmt: skip


# Submitting publishes nothing ------------------------------------------------------------------


def test_submitting_a_never_approved_article_publishes_nothing(client, submitted):
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.SUBMITTED
    assert submitted.public_edition is None and submitted.published_at is None
    assert not Edition.objects.filter(article=submitted).exists()
    assert client.get(PAGE.format(submitted.slug)).status_code == 404
    assert "0 results" in client.get("/search/", {"q": "zongertinib"}).content.decode()
    assert submitted.title not in client.get("/").content.decode()


def test_publishing_provisionally_shows_the_submitted_text_with_the_caution_and_tracker(
    client, submitted, editor, author, seen
):
    make_move("publish_provisionally", article=submitted, by=editor,
              seen_revision_id=seen(submitted))  # fmt: skip
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.SUBMITTED  # still waiting for the board
    edition = submitted.public_edition
    assert edition.kind == Edition.Kind.PENDING
    assert edition.revision_id == submitted.submitted_revision_id

    response = client.get(PAGE.format(submitted.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert "waiting for review" in html  # the caution
    assert 'aria-current="step">Submitted</li>' in html  # the tracker
    assert "Platinum doublet first." in html and "Approved by" not in html
    assert "1 result for" in client.get("/search/", {"q": "zongertinib"}).content.decode()

    event = ReviewEvent.objects.get(article=submitted, action="publish_provisionally")
    assert event.actor == editor and event.from_state == event.to_state == ReviewState.SUBMITTED
    assert event.revision_id is not None
    notice = Email.objects.get(recipient=author, subject__startswith="Published provisionally")
    assert submitted.title in notice.subject
    client.force_login(author)
    timeline = _review_page(client, submitted).split('id="timeline-title"', 1)[1]
    assert "Jo Mensah</strong> published provisionally" in timeline


def test_a_text_submitted_again_reaches_readers_only_when_published_again(
    client, submitted, editor, author, reviewer, seen
):
    make_move("publish_provisionally", article=submitted, by=editor,
              seen_revision_id=seen(submitted))  # fmt: skip
    make_move("start_review", article=submitted, by=reviewer, seen_revision_id=seen(submitted))
    make_move("request_changes", article=submitted, by=reviewer, seen_revision_id=seen(submitted),
              comment="Cite the trial.")  # fmt: skip
    _rewrite(submitted, author, seen, body="## Answer\n\nA revised claim.[@nccn-2024]\n")
    make_move("submit", article=submitted, by=author, seen_revision_id=seen(submitted))
    html = client.get(PAGE.format(submitted.slug)).content.decode()
    assert "Platinum doublet first." in html and "A revised claim." not in html

    client.force_login(editor)
    assert ">Publish provisionally</button>" in _actions(_review_page(client, submitted))
    assert _post_move(client, submitted, "publish_provisionally").status_code == 302
    client.logout()
    html = client.get(PAGE.format(submitted.slug)).content.decode()
    assert "A revised claim." in html and "waiting for review" in html


# Who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "may"),
    [
        (["Editors"], True),
        (["Reviewers"], True),
        (["Admins"], True),
        (["Authors"], False),
        ([], False),
    ],
)
def test_only_editors_reviewers_and_admins_may_publish_provisionally(submitted, seen, groups, may):
    user = UserFactory(username="someone")
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    if may:
        make_move("publish_provisionally", article=submitted, by=user,
                  seen_revision_id=seen(submitted))  # fmt: skip
        submitted.refresh_from_db()
        assert submitted.public_edition is not None
    else:
        with pytest.raises(services.NotAllowed, match="may publish provisionally"):
            make_move("publish_provisionally", article=submitted, by=user,
                      seen_revision_id=seen(submitted))  # fmt: skip
        submitted.refresh_from_db()
        assert submitted.public_edition is None


def test_an_author_is_refused_publishing_provisionally_over_http(client, submitted, author):
    client.force_login(author)
    assert "Publish provisionally" not in _actions(_review_page(client, submitted))
    assert _post_move(client, submitted, "publish_provisionally").status_code == 403
    submitted.refresh_from_db()
    assert submitted.public_edition is None
    assert client.get(PAGE.format(submitted.slug)).status_code == 404


def test_an_editor_publishes_provisionally_from_the_review_page(client, submitted, editor):
    client.force_login(editor)
    html = _review_page(client, submitted)
    assert "Readers cannot see this article: submitting publishes nothing" in html
    assert ">Publish provisionally</button>" in _actions(html)
    response = _post_move(client, submitted, "publish_provisionally", comment="Useful now.")
    assert response.status_code == 302
    html = _review_page(client, submitted)
    assert "Publish provisionally: done." in html
    assert "published provisionally, with the \u201cpending review\u201d caution" in html
    assert "Publish provisionally" not in _actions(html)  # readers already see this text
    client.logout()
    assert client.get(PAGE.format(submitted.slug)).status_code == 200


# Its guards -----------------------------------------------------------------------------------


def test_an_approved_article_cannot_be_published_provisionally(
    client, submitted, reviewer, editor, author, seen
):
    for name in ("start_review", "approve"):
        make_move(
            name,
            article=submitted,
            by=reviewer,
            seen_revision_id=seen(submitted),
            checklist=SIGNED_CHECKLIST,
        )
    _rewrite(submitted, author, seen, body="## Answer\n\nAn unreviewed claim.[@nccn-2024]\n")
    make_move("submit", article=submitted, by=author, seen_revision_id=seen(submitted))
    with pytest.raises(services.InvalidTransition, match="has approved text; readers see that"):
        make_move("publish_provisionally", article=submitted, by=editor,
                  seen_revision_id=seen(submitted))  # fmt: skip
    client.force_login(editor)
    assert "Publish provisionally" not in _actions(_review_page(client, submitted))
    client.logout()
    assert "An unreviewed claim." not in client.get(PAGE.format(submitted.slug)).content.decode()


def test_a_withdrawn_article_comes_back_only_by_approval(
    client, submitted, reviewer, editor, author, seen
):
    make_move("publish_provisionally", article=submitted, by=editor,
              seen_revision_id=seen(submitted))  # fmt: skip
    make_move("withdraw", article=submitted, by=reviewer, seen_revision_id=seen(submitted),
              comment="A dosing error.")  # fmt: skip
    _rewrite(submitted, author, seen, body="## Answer\n\nThe corrected dose.[@nccn-2024]\n")
    make_move("submit", article=submitted, by=author, seen_revision_id=seen(submitted))
    with pytest.raises(services.InvalidTransition, match="withdrawn; only the board's approval"):
        make_move("publish_provisionally", article=submitted, by=editor,
                  seen_revision_id=seen(submitted))  # fmt: skip
    client.force_login(editor)
    assert "Publish provisionally" not in _actions(_review_page(client, submitted))
    client.logout()
    assert client.get(PAGE.format(submitted.slug)).status_code == 410


def test_the_text_readers_already_see_is_not_published_twice(client, submitted, editor, seen):
    make_move("publish_provisionally", article=submitted, by=editor,
              seen_revision_id=seen(submitted))  # fmt: skip
    editions = Edition.objects.count()
    with pytest.raises(services.InvalidTransition, match="Readers already see the submitted text"):
        make_move("publish_provisionally", article=submitted, by=editor,
                  seen_revision_id=seen(submitted))  # fmt: skip
    assert Edition.objects.count() == editions
    client.force_login(editor)
    html = _review_page(client, submitted)
    assert "Publish provisionally" not in _actions(html)
    response = _post_move(client, submitted, "publish_provisionally")
    assert response.status_code == 400
    assert "Readers already see the submitted text." in response.content.decode()


def test_a_draft_cannot_be_published_provisionally(make_article, editor, seen):
    draft = make_article()
    with pytest.raises(services.InvalidTransition, match="this article is draft"):
        make_move("publish_provisionally", article=draft, by=editor, seen_revision_id=seen(draft))


def test_an_editor_who_wrote_the_article_may_not_show_it_themselves(submitted, editor, seen):
    submitted.co_authors.add(editor)
    with pytest.raises(services.NotAllowed, match="someone else must decide to show it"):
        make_move("publish_provisionally", article=submitted, by=editor,
                  seen_revision_id=seen(submitted))  # fmt: skip
    submitted.refresh_from_db()
    assert submitted.public_edition is None


def test_text_the_board_sent_back_is_not_shown_provisionally(
    client, submitted, reviewer, editor, seen
):
    make_move("start_review", article=submitted, by=reviewer, seen_revision_id=seen(submitted))
    make_move("request_changes", article=submitted, by=reviewer, comment="The dose is wrong.",
              seen_revision_id=seen(submitted))  # fmt: skip
    with pytest.raises(services.InvalidTransition, match="changes requested"):
        make_move("publish_provisionally", article=submitted, by=editor,
                  seen_revision_id=seen(submitted))  # fmt: skip
    assert client.get(PAGE.format(submitted.slug)).status_code == 404
