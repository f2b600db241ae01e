"""The review loop closed, over HTTP: withdraw whatever readers see, come back after a
withdrawal, no unsubmitted words in public, pages that tell the truth, no input lost, and
explicit authorship."""

import pytest
from django.contrib.auth.models import Group

from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from review.models import ReviewEvent
from tests.factories import CHECKLIST_FIELDS, UserFactory

PAGE = "/articles/{}/"


def _post_move(client, article, name, comment="", seen=None):
    return client.post(
        f"/review/articles/{article.slug}/{name}/",
        {
            "comment": comment,
            "note": "Corrected after review.",
            "seen_revision_id": seen or latest_revision_id(article),
            **CHECKLIST_FIELDS,
        },
    )


def _edit(client, article, body, title=None, seen=None):
    article.refresh_from_db()
    return client.post(
        f"/review/articles/{article.slug}/edit/",
        {
            "title": title or article.title,
            "summary": article.summary,
            "body": body,
            "comment": "Revised",
            "seen_revision_id": seen or latest_revision_id(article),
        },
    )


def _as(client, user):
    client.force_login(user)
    return client


def _member(username, *groups):
    user = UserFactory(username=username)
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    return user


@pytest.fixture
def approved(client, make_article, author, reviewer):
    article = make_article()
    assert _post_move(_as(client, author), article, "submit").status_code == 302
    assert _post_move(_as(client, reviewer), article, "start_review").status_code == 302
    assert _post_move(client, article, "approve").status_code == 302
    article.refresh_from_db()
    assert article.state == ReviewState.APPROVED
    client.logout()
    return article


def _reader(client, article):
    client.logout()
    return client.get(PAGE.format(article.slug))


# 2. Withdraw whatever readers can see ---------------------------------------------------------


@pytest.mark.parametrize("then", ["draft", "submitted", "under_review"])
def test_approved_text_can_be_withdrawn_while_a_newer_draft_waits(
    client, approved, author, reviewer2, reviewer, then
):
    assert (
        _edit(_as(client, author), approved, "## New\n\nA new claim.[@nccn-2024]\n").status_code
        == 302
    )
    if then in ("submitted", "under_review"):
        assert _post_move(client, approved, "submit").status_code == 302
    if then == "under_review":
        assert _post_move(_as(client, reviewer2), approved, "start_review").status_code == 302
    assert _reader(client, approved).status_code == 200  # readers still see the approved text

    html = _as(client, reviewer).get(f"/review/articles/{approved.slug}/").content.decode()
    assert ">Withdraw</button>" in html
    response = _post_move(client, approved, "withdraw", comment="A dosing error was reported")
    assert response.status_code == 302
    page = _reader(client, approved)
    assert page.status_code == 410
    assert "A dosing error was reported" in page.content.decode()
    assert "Platinum doublet first." not in page.content.decode()


def test_a_never_approved_submitted_article_can_be_withdrawn(
    client, make_article, author, reviewer
):
    article = make_article()
    _post_move(_as(client, author), article, "submit")
    assert _reader(client, article).status_code == 404  # submitting publishes nothing
    assert _post_move(_as(client, reviewer), article, "publish_provisionally").status_code == 302
    assert _reader(client, article).status_code == 200  # shown with the pending-review caution
    assert (
        _post_move(_as(client, reviewer), article, "withdraw", comment="Wrong").status_code == 302
    )
    assert _reader(client, article).status_code == 410


def test_a_draft_readers_cannot_see_offers_no_withdraw(client, make_article, reviewer, admin_user):
    article = make_article()
    html = _as(client, admin_user).get(f"/review/articles/{article.slug}/").content.decode()
    assert ">Withdraw</button>" not in html
    response = _post_move(client, article, "withdraw", comment="Nothing to take down")
    assert response.status_code == 400
    assert "nothing to withdraw" in response.content.decode()


# 3. A withdrawal is not the end ---------------------------------------------------------------


def test_a_withdrawn_article_is_revised_resubmitted_and_returns_at_its_address(
    client, approved, author, reviewer, reviewer2
):
    _post_move(_as(client, reviewer), approved, "withdraw", comment="Outdated trial data")

    html = _as(client, author).get(f"/review/articles/{approved.slug}/").content.decode()
    assert ">Edit</a>" in html
    assert _edit(client, approved, "## Fixed\n\nCorrected claim.[@nccn-2024]\n").status_code == 302
    approved.refresh_from_db()
    assert approved.state == ReviewState.DRAFT
    assert _reader(client, approved).status_code == 410  # still withdrawn: not approved again

    assert _post_move(_as(client, author), approved, "submit").status_code == 302
    assert _reader(client, approved).status_code == 410  # submitted is not approved
    _post_move(_as(client, reviewer2), approved, "start_review")
    assert _reader(client, approved).status_code == 410
    assert _post_move(_as(client, reviewer2), approved, "approve").status_code == 302

    page = _reader(client, approved)
    assert page.status_code == 200 and "Corrected claim." in page.content.decode()
    actions = list(ReviewEvent.objects.filter(article=approved).values_list("action", flat=True))
    assert actions.count("withdraw") == 1 and actions.count("approve") == 2
    history = _as(client, author).get(f"/review/articles/{approved.slug}/").content.decode()
    assert "Outdated trial data" in history  # the timeline keeps the withdrawal


# 4. No unsubmitted words in public ------------------------------------------------------------


def test_readers_of_a_never_approved_article_see_only_submitted_text(
    client, make_article, author, reviewer
):
    article = make_article()
    assert _reader(client, article).status_code == 404  # a draft is never public
    _post_move(_as(client, author), article, "submit")
    assert _reader(client, article).status_code == 404  # nor is a submitted one, until shown
    _post_move(_as(client, reviewer), article, "publish_provisionally")
    _post_move(_as(client, reviewer), article, "start_review")
    _post_move(client, article, "request_changes", comment="Cite the trial")
    assert _edit(_as(client, author), article, "## Half\n\nUnfinished thought.[@nccn-2024]\n",
                 title="A working title").status_code == 302  # fmt: skip

    page = _reader(client, article).content.decode()
    assert "Platinum doublet first." in page and "Unfinished thought" not in page
    assert "A working title" not in page
    home = client.get("/").content.decode()
    assert "What is the answer?" in home and "A working title" not in home
    assert "0 results" in client.get("/search/?q=Unfinished").content.decode()

    _post_move(_as(client, author), article, "submit")
    page = _reader(client, article).content.decode()  # resubmitting publishes nothing either
    assert "Platinum doublet first." in page and "Unfinished thought" not in page
    _post_move(_as(client, reviewer), article, "publish_provisionally")
    page = _reader(client, article).content.decode()
    assert "Unfinished thought" in page and "A working title" in page


# 6. Every page tells the truth ------------------------------------------------------------------


def test_after_a_withdrawal_no_page_says_the_text_is_live(client, approved, reviewer, admin_user):
    _post_move(_as(client, reviewer), approved, "withdraw", comment="Retracted source")
    html = client.get(f"/review/articles/{approved.slug}/").content.decode()
    assert "Readers see the version approved by" not in html
    assert "Withdrawn on" in html and "Retracted source" in html
    history = client.get(f"/review/articles/{approved.slug}/history/").content.decode()
    assert "(approved, live)" not in history and "(last approved, withdrawn)" in history
    admin = _as(client, admin_user).get(f"/admin/articles/article/{approved.pk}/history/")
    assert admin.status_code == 200
    assert "(approved, live)" not in admin.content.decode()
    assert "(last approved, withdrawn)" in admin.content.decode()


# 7. No input vanishes ---------------------------------------------------------------------------


def test_an_over_long_move_comment_is_refused_and_kept(client, make_article, author, reviewer):
    article = make_article()
    _post_move(_as(client, author), article, "submit")
    _post_move(_as(client, reviewer), article, "start_review")
    long_comment = "Please fix. " * 500  # 6 000 characters
    response = _post_move(client, article, "request_changes", comment=long_comment)
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 5000 characters" in html
    assert long_comment.strip() in html  # what they typed is still in the box
    article.refresh_from_db()
    assert article.state == ReviewState.UNDER_REVIEW


def test_a_stale_edit_shows_only_what_really_changed(
    client, make_article, make_reference, author, admin_user
):
    make_reference("nccn-2024")
    body = "## Answer\n\nPlatinum doublet first.[@nccn-2024]\n\nSecond line stays.\n"
    article = make_article(body=body)
    seen = latest_revision_id(article)
    assert _edit(_as(client, admin_user), article, body.replace("Second", "2nd")).status_code == 302
    mine = body.replace("first.", "first, always.").replace("\n", "\r\n")  # as a browser sends it
    response = _edit(_as(client, author), article, mine, seen=seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<ins>always.</ins>" in html or "always." in html.split("<ins>")[1]
    assert "<del>## Answer" not in html and "<ins>## Answer" not in html  # unchanged lines
    assert html.count("<ins>") <= 3


# 8. Authorship is explicit ------------------------------------------------------------------------


def test_another_author_may_neither_edit_nor_submit_an_article(client, make_article, db):
    article = make_article()
    stranger = _member("stranger", "Authors")
    assert _as(client, stranger).get(f"/review/articles/{article.slug}/edit/").status_code == 404
    _post_move(_as(client, article.author), article, "submit")  # now the board can see it
    assert client.get(f"/review/articles/{article.slug}/edit/").status_code == 200
    client.force_login(stranger)
    assert client.get(f"/review/articles/{article.slug}/edit/").status_code == 403
    assert _edit(client, article, "## Mine\n\nHijack.[@nccn-2024]\n").status_code == 403
    article.refresh_from_db()
    assert "Hijack" not in article.body


def test_an_editor_and_a_co_author_may_edit_any_article_they_are_given(
    client, make_article, author
):
    article = make_article()
    editor = _member("editor", "Editors")
    co_author = _member("coauthor", "Authors")
    article.co_authors.add(co_author)
    assert (
        _edit(_as(client, editor), article, "## E\n\nBy the editor.[@nccn-2024]\n").status_code
        == 302
    )
    assert (
        _edit(
            _as(client, co_author), article, "## C\n\nBy the co-author.[@nccn-2024]\n"
        ).status_code
        == 302
    )
    assert _post_move(client, article, "submit").status_code == 302
    html = client.get("/review/").content.decode()
    assert "My submissions" in html and article.title in html


def test_an_author_on_the_board_may_never_approve_their_article(
    client, make_article, author, admin_user, reviewer2
):
    author.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    article = make_article()
    # Somebody else edits it last: the old rule (only the last editors may not approve) let the
    # author approve here.
    assert (
        _edit(
            _as(client, admin_user), article, "## A\n\nEdited by admin.[@nccn-2024]\n"
        ).status_code
        == 302
    )
    _post_move(_as(client, author), article, "submit")
    _post_move(client, article, "start_review")
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "You are an author of this article" in html
    response = _post_move(client, article, "approve")
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).state == ReviewState.UNDER_REVIEW
