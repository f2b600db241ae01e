"""Comments on passages over HTTP, per role: the board comments, the article's authors reply and
resolve, editors do all, nobody else."""

import pytest
from django.contrib.auth.models import Group

from articles.selectors import latest_revision_id
from review import comment_services, services
from review.models import PassageComment
from tests.factories import UserFactory

BODY = (
    "## Answer\n\nPlatinum doublet first.[@nccn-2024]\n\n"
    "Trastuzumab deruxtecan is preferred after progression.\n"
)


@pytest.fixture
def article(make_article, make_reference, author, seen):
    """Submitted: the board opens what its authors sent it."""
    make_reference("nccn-2024")
    article = make_article(body=BODY)
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


@pytest.fixture
def under_review(article, author, reviewer, seen):
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    return article


@pytest.fixture
def comment(article, reviewer):
    return comment_services.comment_on_passage(
        article=article, by=reviewer, role=None, quote="preferred after progression",
        body="Which line?", proposed_wording="preferred as second-line therapy",
    )  # fmt: skip


def _url(article, pk=None, action=""):
    base = f"/review/articles/{article.slug}/passages/"
    return f"{base}{pk}/{action}/" if pk else base


def _post_comment(client, article, quote="preferred after progression", **fields):
    data = {"passage-text": "", "passage-quote": quote, "passage-body": "Which line?"}
    data.update({f"passage-{name}": value for name, value in fields.items()})
    return client.post(_url(article), data)


def test_a_reviewer_comments_on_a_passage_and_sees_it_marked(client, reviewer, article):
    client.force_login(reviewer)
    response = _post_comment(client, article, blocking="on")
    comment = PassageComment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.blocking and comment.written_by == reviewer
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert f'id="passage-{comment.pk}"' in html and "Blocks approval" in html


def test_a_passage_not_in_the_text_is_refused_keeping_what_was_typed(client, reviewer, article):
    client.force_login(reviewer)
    response = _post_comment(client, article, quote="pembrolizumab first", body="Kept words")
    html = response.content.decode()
    assert response.status_code == 400
    assert "not in the text" in html
    assert "pembrolizumab first</textarea>" in html and "Kept words</textarea>" in html
    assert not PassageComment.objects.exists()


def test_without_javascript_the_form_asks_for_the_passage_by_a_label(client, reviewer, article):
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert '<label for="id_passage-quote">Passage' in html
    assert ">Comment on the passage</button>" in html


@pytest.mark.parametrize("who", ["author", "other_author", "nobody"])
def test_only_the_board_and_editors_comment_on_passages(client, article, author, who):
    users = {
        "author": author,
        "other_author": UserFactory(username="other"),
        "nobody": UserFactory(username="reader"),
    }
    user = users[who]
    if who == "other_author":
        user.groups.add(Group.objects.get(name="Authors"))
    client.force_login(user)
    response = _post_comment(client, article)
    assert response.status_code in (403, 404)
    assert not PassageComment.objects.exists()
    if who == "author":
        page = client.get(f"/review/articles/{article.slug}/").content.decode()
        assert "Comment on the passage</button>" not in page


def test_an_editor_comments_too(client, editor, article):
    client.force_login(editor)
    assert _post_comment(client, article).status_code == 302


def test_the_author_replies_and_resolves(client, author, comment, article):
    client.force_login(author)
    assert (
        client.post(_url(article, comment.pk, "reply"), {"body": "Second line."}).status_code == 302
    )
    assert client.post(_url(article, comment.pk, "resolve")).status_code == 302
    comment.refresh_from_db()
    assert comment.replies.get().body == "Second line." and not comment.is_open
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "Resolved by Sam Carter" in html


@pytest.mark.parametrize("who", ["reviewer2", "other_author"])
def test_others_may_not_resolve(client, comment, article, reviewer2, who):
    user = reviewer2
    if who == "other_author":
        user = UserFactory(username="other")
        user.groups.add(Group.objects.get_or_create(name="Authors")[0])
    client.force_login(user)
    response = client.post(_url(article, comment.pk, "resolve"))
    assert response.status_code == 403
    assert "authors or an editor" in response.content.decode()


def test_another_author_may_not_reply(client, comment, article):
    other = UserFactory(username="other")
    other.groups.add(Group.objects.get_or_create(name="Authors")[0])
    client.force_login(other)
    assert client.post(_url(article, comment.pk, "reply"), {"body": "Hi"}).status_code == 403


def test_an_editor_resolves_and_the_reviewer_reopens(client, editor, reviewer, comment, article):
    client.force_login(editor)
    assert client.post(_url(article, comment.pk, "resolve")).status_code == 302
    client.force_login(reviewer)
    assert client.post(_url(article, comment.pk, "reopen")).status_code == 302
    comment.refresh_from_db()
    assert comment.is_open


def test_a_blocking_comment_disables_approve_with_the_reason(client, under_review, reviewer,
                                                             reviewer2, author):  # fmt: skip
    comment_services.comment_on_passage(
        article=under_review, by=reviewer, role=None, quote="Platinum doublet first",
        body="Name the regimen.", blocking=True,
    )  # fmt: skip
    client.force_login(reviewer2)
    html = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    decision = html.split('id="actions-title"')[1].split("</section>")[0]
    assert "disabled" in decision.split(">Approve</button>")[0].rsplit("<button", 1)[1]
    assert "blocking comment on \u201cPlatinum doublet first\u201d is open" in decision
    response = client.post(
        f"/review/articles/{under_review.slug}/approve/",
        {"seen_revision_id": latest_revision_id(under_review)},
    )
    assert response.status_code == 400 and "blocking comment" in response.content.decode()


def test_the_author_accepts_proposed_wording_with_one_click(client, author, comment, article):
    client.force_login(author)
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert ">Accept the proposed wording</button>" in html
    response = client.post(
        _url(article, comment.pk, "accept-wording"),
        {"seen_revision_id": latest_revision_id(article)},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert "is preferred as second-line therapy." in article.body


def test_accepting_on_a_stale_page_is_a_conflict(client, author, comment, article, seen):
    old = seen(article)
    services.edit_article(
        article=article, by=author, seen_revision_id=old, title=article.title,
        summary="Changed.", body=BODY, literature_current_through=None, comment="Edit",
    )  # fmt: skip
    client.force_login(author)
    response = client.post(_url(article, comment.pk, "accept-wording"), {"seen_revision_id": old})
    assert response.status_code == 409


def test_a_changed_passage_is_said_and_its_wording_refused(client, author, comment, article, seen):
    services.edit_article(
        article=article, by=author, seen_revision_id=seen(article), title=article.title,
        summary=article.summary, literature_current_through=None, comment="Edit",
        body=BODY.replace("preferred after", "used after"),
    )  # fmt: skip
    client.force_login(author)
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "The passage changed" in html and "preferred after progression" in html
    assert 'disabled aria-describedby="why-wording-' in html
    assert "The passage changed since this comment; edit the text instead." in html
    response = client.post(
        _url(article, comment.pk, "accept-wording"), {"seen_revision_id": seen(article)}
    )
    assert response.status_code == 400 and "passage changed" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, comment, article):
    response = client.post(_url(article, comment.pk, "resolve"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_while_under_review_the_wording_waits_for_the_text_to_be_editable(
    client, author, reviewer, comment, under_review
):
    client.force_login(author)
    html = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    button = html.split("Accept the proposed wording</button>")[0].rsplit("<button", 1)[1]
    assert "disabled" in button
    assert "Edit is not possible: this article is under review." in html


def test_an_admin_does_what_an_editor_does(client, admin_user, article):
    client.force_login(admin_user)
    assert _post_comment(client, article).status_code == 302
    comment = PassageComment.objects.get()
    assert client.post(_url(article, comment.pk, "resolve")).status_code == 302


def test_the_reviewer_is_told_when_the_author_resolves(client, author, reviewer, comment, article):
    from outbox.models import Email

    client.force_login(author)
    client.post(_url(article, comment.pk, "resolve"))
    assert Email.objects.filter(recipient=reviewer, subject__startswith="Comment resolved").exists()


def test_a_reviewer_with_a_declared_conflict_takes_no_part_in_passage_comments(
    client, under_review, reviewer2
):
    from accounts.models import ContributorProfile
    from articles.models import Topic
    from tests.contributor_factories import DisclosureFactory

    topic = Topic.objects.create(name="Lung cancer", slug="lung-cancer")
    under_review.topics.add(topic)
    DisclosureFactory(
        contributor=ContributorProfile.objects.get(user=reviewer2), conflict_topics=[topic]
    )
    client.force_login(reviewer2)
    response = _post_comment(client, under_review, quote="Platinum doublet first")
    assert response.status_code == 403
    assert "conflict of interest" in response.content.decode()
