"""Comments on passages: anchored, threaded, resolved by the authors, following the text, and
blocking approval while open."""

import pytest
from django.utils import translation

from articles.selectors import latest_revision_id
from outbox.models import Email
from personalization.models import ReaderRole
from personalization.services import save_variant
from review import comment_services, services
from review.comment_selectors import comments_on, open_blocking_comments
from review.errors import InvalidTransition, NotAllowed, StaleRevision
from review.models import ReviewEvent
from review.workflow import MOVES, refusal
from tests.factories import SIGNED_CHECKLIST

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
def patient(db):
    return ReaderRole.objects.create(
        slug="patient", label="Patient", audience="lay", target_grade=8
    )


def _comment(article, by, quote="preferred after progression", **fields):
    fields.setdefault("body", "Say which line of therapy.")
    return comment_services.comment_on_passage(article=article, by=by, role=None, quote=quote,
                                               **fields)  # fmt: skip


def test_a_reviewer_comments_on_a_passage_of_the_revision_they_read(article, reviewer):
    comment = _comment(article, reviewer, quote="preferred\nafter  progression")
    assert comment.quote == "preferred after progression"
    assert comment.prefix.endswith("Trastuzumab deruxtecan is ")
    assert comment.suffix == "."
    assert comment.revision_id == latest_revision_id(article)
    event = ReviewEvent.objects.get(article=article, action="comment")
    assert "\u201cpreferred after progression\u201d" in event.comment
    assert Email.objects.filter(recipient=article.author).exists()


def test_the_summary_can_be_commented_on(article, reviewer):
    assert _comment(article, reviewer, quote="chemotherapy comes first").prefix == (
        "Platinum-based "
    )


def test_a_passage_not_in_the_text_is_refused(article, reviewer):
    with pytest.raises(InvalidTransition, match="not in the text"):
        _comment(article, reviewer, quote="pembrolizumab")


def test_a_reader_version_passage_anchors_in_that_version(article, reviewer, author, patient):
    save_variant(article=article, role=patient, summary="", body="Chemo comes first.", by=author,
                 comment="Patient")  # fmt: skip
    comment = comment_services.comment_on_passage(
        article=article, by=reviewer, role=patient, quote="Chemo comes", body="Say chemotherapy."
    )
    assert comment.role == patient
    with pytest.raises(InvalidTransition, match="not in the text"):
        comment_services.comment_on_passage(
            article=article, by=reviewer, role=patient, quote="Platinum doublet", body="x"
        )


def test_a_version_that_is_not_there_is_named_in_the_refusals_language(article, reviewer, patient):
    patient.label_es = "Paciente"
    patient.save(update_fields=["label_es"])
    with pytest.raises(InvalidTransition, match="has no patient version"):
        comment_services.comment_on_passage(
            article=article, by=reviewer, role=patient, quote="Chemo", body="x"
        )
    with translation.override("es"), pytest.raises(InvalidTransition, match="paciente"):
        comment_services.comment_on_passage(
            article=article, by=reviewer, role=patient, quote="Chemo", body="x"
        )


def test_only_the_board_and_editors_comment_on_passages(article, author, editor, reviewer):
    with pytest.raises(NotAllowed, match="Only the advisory board or editors"):
        _comment(article, author)
    assert _comment(article, editor).written_by == editor


def test_authors_and_reviewers_reply_and_the_thread_keeps_order(article, author, reviewer):
    comment = _comment(article, reviewer)
    comment_services.reply(comment=comment, by=author, body="Second line: added.")
    comment_services.reply(comment=comment, by=reviewer, body="Thanks.")
    assert [r.body for r in comment.replies.all()] == ["Second line: added.", "Thanks."]


def test_the_author_resolves_and_the_reviewer_reopens(article, author, reviewer, reviewer2):
    comment = _comment(article, reviewer)
    with pytest.raises(NotAllowed, match="authors or an editor"):
        comment_services.resolve(comment=comment, by=reviewer2)
    comment_services.resolve(comment=comment, by=author)
    assert comment.resolved_by == author and not comment.is_open
    with pytest.raises(InvalidTransition, match="resolved this comment"):
        comment_services.resolve(comment=comment, by=author)
    with pytest.raises(NotAllowed, match="who wrote this comment"):
        comment_services.reopen(comment=comment, by=reviewer2)
    comment_services.reopen(comment=comment, by=reviewer)
    assert comment.is_open


def test_a_comment_follows_its_passage_and_says_when_it_changed(article, author, reviewer, seen):
    kept = _comment(article, reviewer)
    gone = _comment(article, reviewer, quote="Platinum doublet first")
    services.edit_article(
        article=article, by=author, seen_revision_id=seen(article), title=article.title,
        summary=article.summary, literature_current_through=None, comment="Edit",
        body="## Answer\n\nA new opening.\n\nPlatinum-based doublet first.[@nccn-2024]\n\n"
        "Trastuzumab deruxtecan is preferred after progression.\n",
    )  # fmt: skip
    text = comments_on(article, reviewer).texts[0]
    threads = {thread.comment.pk: thread for thread in text.threads}
    assert not threads[kept.pk].passage_changed and threads[kept.pk].text_edited_since
    assert threads[gone.pk].passage_changed
    assert f'id="passage-{kept.pk}"' in text.html and f"passage-{gone.pk}" not in text.html


def test_a_blocking_comment_refuses_approval_until_resolved(under_review, author, reviewer,
                                                            reviewer2, seen):  # fmt: skip
    comment = _comment(under_review, reviewer, blocking=True)
    assert list(open_blocking_comments(under_review)) == [comment]
    refused = refusal(MOVES["approve"], article=under_review, user=reviewer2)
    assert "blocking comment" in refused.message and refused.offered
    with pytest.raises(InvalidTransition, match="blocking comment"):
        services.make_move("approve", article=under_review, by=reviewer2,
                           seen_revision_id=seen(under_review),
                           checklist=SIGNED_CHECKLIST)  # fmt: skip
    comment_services.resolve(comment=comment, by=author)
    services.make_move("approve", article=under_review, by=reviewer2,
                       seen_revision_id=seen(under_review), checklist=SIGNED_CHECKLIST)  # fmt: skip
    under_review.refresh_from_db()
    assert under_review.state == "approved"


def test_the_author_accepts_proposed_wording_as_a_new_revision(under_review, author, reviewer,
                                                                seen):  # fmt: skip
    comment = _comment(under_review, reviewer, proposed_wording="preferred second line")
    services.make_move("request_changes", article=under_review, by=reviewer, comment="See notes",
                       seen_revision_id=seen(under_review))  # fmt: skip
    before = seen(under_review)
    comment_services.accept_wording(comment=comment, by=author, seen_revision_id=before)
    under_review.refresh_from_db()
    assert "Trastuzumab deruxtecan is preferred second line." in under_review.body
    assert seen(under_review) != before
    assert comment.wording_accepted and comment.resolved_by == author
    edit = ReviewEvent.objects.filter(article=under_review, action="edit").last()
    assert "Accepted Dr. Ana Reyes's wording" in edit.comment


def test_accepting_wording_in_a_reader_version_edits_that_version(article, author, reviewer,
                                                                  patient, seen):  # fmt: skip
    save_variant(article=article, role=patient, summary="", body="Chemo comes first.", by=author,
                 comment="Patient")  # fmt: skip
    comment = comment_services.comment_on_passage(
        article=article,
        by=reviewer,
        role=patient,
        quote="Chemo",
        body="Spell it out.",
        proposed_wording="Chemotherapy",
    )
    comment_services.accept_wording(comment=comment, by=author, seen_revision_id=seen(article))
    assert article.variants.get().body == "Chemotherapy comes first.\n"


def test_accepting_wording_is_refused_when_the_passage_changed(article, author, reviewer, seen):
    comment = _comment(article, reviewer, proposed_wording="preferred second line")
    services.edit_article(
        article=article, by=author, seen_revision_id=seen(article), title=article.title,
        summary=article.summary, literature_current_through=None, comment="Edit",
        body=BODY.replace("preferred after", "recommended after"),
    )  # fmt: skip
    with pytest.raises(InvalidTransition, match="passage changed"):
        comment_services.accept_wording(comment=comment, by=author, seen_revision_id=seen(article))
    comment.refresh_from_db()
    assert comment.is_open


def test_accepting_wording_while_under_review_is_refused_by_the_edit_move(
    under_review, author, reviewer, seen
):
    comment = _comment(under_review, reviewer, proposed_wording="preferred second line")
    with pytest.raises(InvalidTransition, match="under review"):
        comment_services.accept_wording(
            comment=comment, by=author, seen_revision_id=seen(under_review)
        )
    comment.refresh_from_db()
    assert comment.is_open


def test_accepting_wording_on_a_stale_page_is_refused(article, author, reviewer, seen):
    comment = _comment(article, reviewer, proposed_wording="preferred second line")
    old = seen(article)
    services.edit_article(
        article=article, by=author, seen_revision_id=old, title=article.title,
        summary="New summary.", body=BODY, literature_current_through=None, comment="Edit",
    )  # fmt: skip
    with pytest.raises(StaleRevision):
        comment_services.accept_wording(comment=comment, by=author, seen_revision_id=old)


def test_the_board_does_not_comment_on_a_draft_nobody_submitted(make_article, reviewer, editor):
    draft = make_article(slug="a-draft", body="Platinum doublet first.\n")
    with pytest.raises(NotAllowed, match="not been submitted"):
        _comment(draft, reviewer, quote="Platinum doublet")
    assert _comment(draft, editor, quote="Platinum doublet").written_by == editor


def test_wording_for_a_passage_across_formatting_is_refused_before_and_on_the_click(
    make_article, author, reviewer, seen
):
    article = make_article(slug="bold", body="Use **T-DXd** after progression.\n")
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    comment = _comment(article, reviewer, quote="Use T-DXd after", proposed_wording="Give T-DXd")
    thread = comments_on(article, author).texts[0].threads[0]
    assert "runs across formatting" in thread.wording_refusal
    with pytest.raises(InvalidTransition, match="runs across formatting"):
        comment_services.accept_wording(comment=comment, by=author, seen_revision_id=seen(article))


def test_a_reviewer_who_wrote_the_article_answers_instead_of_commenting(article, author):
    from django.contrib.auth.models import Group

    author.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    with pytest.raises(NotAllowed, match="reply to the board"):
        _comment(article, author)


def test_comments_on_a_removed_reader_version_stay_listed_as_changed(
    article, author, reviewer, patient, seen, client
):
    save_variant(article=article, role=patient, summary="", body="Chemo comes first.", by=author,
                 comment="Patient")  # fmt: skip
    comment = comment_services.comment_on_passage(
        article=article, by=reviewer, role=patient, quote="Chemo", body="Spell it out."
    )
    services.edit_variant(article=article, role=patient, by=author, summary="", body="",
                          seen_revision_id=seen(article), comment="", remove=True)  # fmt: skip
    comments = comments_on(article, author)
    assert [t.comment for t in comments.orphans] == [comment]
    assert comments.orphans[0].passage_changed and comments.open_count == 1
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "On reader versions this article no longer has" in html and "Spell it out." in html
