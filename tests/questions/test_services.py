"""Editors' actions on questions: permission, allowed-from statuses, what each one writes."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from reversion.models import Version

from articles.models import DRAFT_PLACEHOLDER, Article, ReviewState
from articles.rendering import render_body
from outbox.models import Email
from outbox.tasks import send_email
from questions import selectors, services
from questions.models import Question
from review.models import ReviewEvent
from review.services import InvalidTransition, edit_article, make_move


@pytest.fixture
def question(make_question):
    return make_question()


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.triage, {}),
        (services.mark_spam, {}),
        (services.answer_question, {"answer": "Yes."}),
        (services.request_article_change, {"note": "Add this"}),
    ],
)
def test_only_editors_may_act_on_questions(question, author, reader, service, kwargs):
    for user in (author, reader):
        with pytest.raises(services.NotAllowed):
            service(question=question, by=user, **kwargs)
    question.refresh_from_db()
    assert question.status == Question.Status.NEW and question.handled_by is None


def test_an_author_who_is_also_a_reviewer_is_an_editor(question, author):
    author.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    services.triage(question=question, by=author)
    assert question.status == Question.Status.TRIAGED and question.handled_by == author


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin_user"])
def test_editors_reviewers_and_admins_handle_questions(question, request, who):
    user = request.getfixturevalue(who)
    services.answer_question(question=question, by=user, answer="Yes.")
    assert question.status == Question.Status.ANSWERED and question.answered_by == user


def test_triage_then_spam_then_back(question, reviewer):
    services.triage(question=question, by=reviewer)
    services.mark_spam(question=question, by=reviewer)
    assert Question.objects.get(pk=question.pk).status == Question.Status.SPAM
    services.triage(question=question, by=reviewer)  # a mistaken "spam" is undone this way
    assert Question.objects.get(pk=question.pk).status == Question.Status.TRIAGED


def test_an_answered_question_cannot_be_marked_spam(question, reviewer):
    services.answer_question(question=question, by=reviewer, answer="Yes.")
    with pytest.raises(services.InvalidTransition, match="this question is answered"):
        services.mark_spam(question=question, by=reviewer)


def test_a_duplicate_points_at_the_root_and_never_loops(make_question, reviewer):
    first, second, third = make_question("first?"), make_question("second?"), make_question("3?")
    services.mark_duplicate(question=second, original=first, by=reviewer)
    services.mark_duplicate(question=third, original=second, by=reviewer)
    assert third.duplicate_of == first and third.status == Question.Status.TRIAGED
    with pytest.raises(services.InvalidTransition, match="itself"):
        services.mark_duplicate(question=first, original=third, by=reviewer)


def test_a_duplicate_must_be_on_the_same_article(make_question, make_article, reviewer, author):
    other = make_article(slug="other")
    with pytest.raises(services.InvalidTransition, match="same article"):
        services.mark_duplicate(
            question=make_question(), original=make_question(article=other), by=reviewer
        )


def test_an_answer_is_stored_and_emailed_once_even_if_the_task_runs_twice(
    make_question, reviewer, django_capture_on_commit_callbacks
):
    question = make_question(name="Ann", email="ann@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(question=question, by=reviewer, answer="  Yes, usually.  ")
    reply = Email.objects.get(dedupe_key=f"question-answer:{question.pk}")
    assert send_email(reply.pk) == "not_due"  # the second run finds it sent
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert "Yes, usually." in mail.outbox[0].body and "not medical advice" in mail.outbox[0].body
    question.refresh_from_db()
    assert question.answer == "Yes, usually." and question.answered_by == reviewer
    assert question.reply_queued_at is not None
    assert question.email == "" and question.name == ""  # kept only to send the reply
    reply.refresh_from_db()
    assert reply.status == "sent" and reply.to == ""  # and forgotten by the outbox once sent


def test_an_answer_with_no_address_is_stored_and_sends_nothing(
    question, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.answer_question(question=question, by=reviewer, answer="Yes.")
    assert callbacks == [] and mail.outbox == []
    assert Question.objects.get(pk=question.pk).status == Question.Status.ANSWERED


def test_an_empty_answer_is_refused(question, reviewer):
    with pytest.raises(services.InvalidTransition, match="Write the answer"):
        services.answer_question(question=question, by=reviewer, answer="   ")


def _draft(question, by, author, **fields):
    fields.setdefault("title", "Is zongertinib used before chemotherapy?")
    fields.setdefault("slug", f"{question.article.slug}-follow-up-{question.pk}")
    return services.draft_article_from_question(question=question, by=by, author=author, **fields)


def test_only_editors_may_turn_a_question_into_a_draft(question, author, reader):
    for user in (author, reader):
        with pytest.raises(services.NotAllowed):
            _draft(question, user, author)
    question.refresh_from_db()
    assert question.draft_article is None and question.status == Question.Status.NEW
    assert not Article.objects.filter(slug__contains="follow-up").exists()


def test_a_question_becomes_a_draft_written_by_the_author_the_editor_picks(
    make_question, reviewer, author
):
    question = make_question("Does [@nccn-2024] say # anything <b>bold</b> about *zongertinib*?")
    article = _draft(question, reviewer, author, title="  Does zongertinib   come first? ")
    assert article.state == ReviewState.DRAFT and article.author == author
    assert article.slug == f"her2-exon-20-follow-up-{question.pk}"
    assert article.title == "Does zongertinib come first?"
    assert article.body == (
        f"This draft answers reader question {question.pk} (see the question in the triage "
        f"queue).\n\n{DRAFT_PLACEHOLDER}\n"
    )
    # The revision records who created it: the editor, on the author's behalf.
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == reviewer and author.public_name in version.revision.comment
    rendered = render_body(article.body, known_keys=frozenset())
    assert rendered.cited_keys == () and rendered.dangling_keys == ()  # the reader cites nothing
    question.refresh_from_db()
    assert question.draft_article == article and question.status == Question.Status.TRIAGED
    with pytest.raises(services.InvalidTransition, match="already"):
        _draft(question, reviewer, author, slug="another-address")


@pytest.mark.parametrize("who", ["reader", "reviewer2", "inactive_author"])
def test_a_draft_goes_only_to_an_active_member_of_the_authors_group(
    question, reviewer, request, who
):
    with pytest.raises(services.InvalidTransition, match="not an active member of the Authors"):
        _draft(question, reviewer, request.getfixturevalue(who))
    question.refresh_from_db()
    assert question.draft_article is None and question.status == Question.Status.NEW
    assert not Article.objects.filter(slug__contains="follow-up").exists()


def test_the_author_is_told_by_email_when_a_question_becomes_their_draft(
    make_question, editor, author
):
    question = make_question("My MRN is 1234567; is zongertinib used before chemotherapy?")
    article = _draft(question, editor, author, title="Is zongertinib used before chemotherapy?")
    notice = Email.objects.get(dedupe_key__startswith="question-draft:")
    assert notice.recipient == author and notice.status == Email.Status.QUEUED
    assert "Is zongertinib used before chemotherapy?" in notice.subject
    assert f"/review/articles/{article.slug}/" in notice.body
    assert editor.public_name in notice.body and question.article.title in notice.body
    assert question.text not in notice.body  # the reader's words stay in the queue


def test_an_editor_who_drafts_for_themselves_is_not_e_mailed(question, reviewer):
    reviewer.groups.add(Group.objects.get_or_create(name="Authors")[0])
    _draft(question, reviewer, reviewer)
    assert not Email.objects.filter(dedupe_key__startswith="question-draft:").exists()


def test_a_draft_refuses_a_taken_address_and_an_empty_title(question, article, reviewer, author):
    with pytest.raises(services.InvalidTransition, match="already uses the address"):
        _draft(question, reviewer, author, slug=article.slug)
    with pytest.raises(services.InvalidTransition, match="title"):
        _draft(question, reviewer, author, title=" \n ")
    question.refresh_from_db()
    assert question.draft_article is None and question.status == Question.Status.NEW


def test_the_suggested_address_and_title_come_from_the_article_never_the_readers_words(
    make_question, make_article
):
    long_slug = "a" * 60 + "-" + "b" * 59
    question = make_question(
        "Zyzzogeton question about my mother", article=make_article(slug=long_slug)
    )
    suggestion = selectors.suggested_draft(question)
    assert suggestion.slug.endswith(f"-follow-up-{question.pk}")
    assert suggestion.slug.startswith("a" * 60) and len(suggestion.slug) <= 120
    assert "zyzzogeton" not in suggestion.slug and "mother" not in suggestion.slug
    assert suggestion.title == f"Follow-up to: {question.article.title}"
    assert "Zyzzogeton" not in suggestion.title


def test_a_change_request_lands_on_the_articles_review_timeline(question, article, reviewer):
    event = services.request_article_change(question=question, by=reviewer, note="Add dosing.")
    assert event.action == ReviewEvent.Action.COMMENT and event.article == article
    assert f"reader question {question.pk}" in event.comment
    assert f"/review/questions/{question.pk}/" in event.comment
    assert "Add dosing." in event.comment and question.text in event.comment
    question.refresh_from_db()
    assert question.change_request == event and question.status == Question.Status.TRIAGED


def test_a_question_needs_consent(article):
    with pytest.raises(services.InvalidTransition):
        services.receive_question(
            article=article, text="Anything?", name="", email="", reader_role="", consent=False
        )
    assert not Question.objects.exists()


def test_a_draft_carries_none_of_the_readers_markup(make_question, reviewer, author):
    question = make_question(
        "> quoted\n- listed\n[link](javascript:x) [@nccn-2024] <script>x</script>"
    )
    article = _draft(question, reviewer, author)
    for words in ("quoted", "listed", "javascript", "nccn-2024", "script"):
        assert words not in article.body
    html = render_body(article.body, known_keys=frozenset({"nccn-2024"})).html
    assert "<a " not in html and "<script" not in html and "<sup" not in html
    assert Article.objects.get(pk=article.pk).citations.count() == 0


# The reader's words stay in the triage queue: a draft is text that may be published.
READERS_WORDS = "My name is Quintus Fairweather and my wife Ottilie takes zongertinib"


def test_a_draft_from_a_question_contains_none_of_the_readers_words(
    make_question, reviewer, author
):
    question = make_question(READERS_WORDS + ". Should she stop before surgery?")
    article = _draft(question, reviewer, author, title="Stopping zongertinib before an operation?")
    article.refresh_from_db()
    saved = Version.objects.get_for_object(article).get().serialized_data
    for word in ("Quintus", "Fairweather", "Ottilie", "surgery"):
        assert word not in article.body and word not in article.summary and word not in saved
    assert f"reader question {question.pk}" in article.body


def test_the_readers_words_stay_on_the_triage_page(client, make_question, reviewer, author):
    question = make_question(READERS_WORDS + "?")
    article = _draft(question, reviewer, author)
    client.force_login(reviewer)
    triage = client.get(f"/review/questions/{question.pk}/").content.decode()
    assert "Ottilie" in triage  # editors read the question where they triage it
    client.force_login(author)
    draft = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "Ottilie" not in draft and f"reader question {question.pk}" in draft


def test_a_draft_from_a_question_cannot_reach_readers_until_its_author_writes_it(
    client, make_question, reviewer, author, editor, seen
):
    question = make_question(READERS_WORDS + "?")
    article = _draft(question, reviewer, author)
    with pytest.raises(InvalidTransition, match="Write a summary before submitting"):
        make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    edit_article(
        article=article, by=author, seen_revision_id=seen(article), title=article.title,
        summary="Usually not.", body=article.body, literature_current_through=None,
        comment="Summary",
    )  # fmt: skip
    with pytest.raises(InvalidTransition, match="Replace the placeholder"):
        make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    with pytest.raises(InvalidTransition, match="not possible: this article is draft"):
        make_move("publish_provisionally", article=article, by=editor,
                  seen_revision_id=seen(article))  # fmt: skip
    article.refresh_from_db()
    assert article.state == ReviewState.DRAFT and article.public_edition is None
    assert client.get(f"/articles/{article.slug}/").status_code == 404
    for word in ("Ottilie", "Fairweather"):
        assert "0 results" in client.get("/search/", {"q": word}).content.decode()
