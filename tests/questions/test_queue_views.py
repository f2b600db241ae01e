"""The editors' queue through the web: who may see it, its order, its actions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from questions.models import Question
from review.models import ReviewEvent

QUEUE = "/review/questions/"


def _detail(question) -> str:
    return f"{QUEUE}{question.pk}/"


@pytest.fixture
def question(make_question):
    return make_question(name="Ann", email="ann@example.org")


def test_anonymous_visitors_are_sent_to_sign_in(client, question):
    for url in (QUEUE, _detail(question)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(f"{_detail(question)}spam/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["reader", "author"])
def test_readers_and_authors_who_are_not_editors_are_refused(client, question, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403
    assert client.get(_detail(question)).status_code == 403
    assert client.post(f"{_detail(question)}spam/").status_code == 403
    assert client.post(f"{_detail(question)}answer/", {"answer": "x"}).status_code == 403
    assert Question.objects.get(pk=question.pk).status == Question.Status.NEW


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin_user"])
def test_editors_reviewers_and_admins_see_the_queue_and_the_reply_address(
    client, question, request, who
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert question.text in response.content.decode()
    detail = client.get(_detail(question)).content.decode()
    assert "ann@example.org" in detail and "Ann" in detail


def test_an_editor_finds_the_queue_on_the_dashboard_and_triages(client, question, editor):
    client.force_login(editor)
    assert "Readers' questions" in client.get("/review/").content.decode()
    response = client.post(f"{_detail(question)}triage/")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Question.Status.TRIAGED and question.handled_by == editor


def test_urgent_questions_come_first_then_the_newest(client, make_question, reviewer):
    old_urgent = make_question("I have chest pain, is it the drug?")
    older = make_question("An older ordinary question?")
    newer = make_question("A newer ordinary question?")
    Question.objects.filter(pk=old_urgent.pk).update(created_at=timezone.now() - timedelta(days=3))
    Question.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    client.force_login(reviewer)
    html = client.get(QUEUE).content.decode()
    positions = [html.index(q.text) for q in (old_urgent, newer, older)]
    assert positions == sorted(positions)
    assert "Urgent?" in html


def test_the_queue_filters_by_status_and_article(client, make_question, make_article, reviewer):
    from questions import services

    other = make_article(slug="other-article", title="Another article?")
    here, there = make_question("Question here?"), make_question("Question there?", article=other)
    spam = make_question("Buy cheap pills now")
    services.mark_spam(question=spam, by=reviewer)
    client.force_login(reviewer)
    html = client.get(QUEUE).content.decode()  # open ones by default
    assert here.text in html and there.text in html and spam.text not in html
    html = client.get(QUEUE, {"status": "spam"}).content.decode()
    assert spam.text in html and here.text not in html
    html = client.get(QUEUE, {"status": "all", "article": other.slug}).content.decode()
    assert there.text in html and here.text not in html


def test_a_script_in_a_question_is_stored_inert_and_shown_escaped(client, article, ask, reviewer):
    ask(client, article, question="<script>alert('pwned')</script> is this normal?")
    stored = Question.objects.get()
    assert stored.text == "<script>alert('pwned')</script> is this normal?"  # stored as text
    client.force_login(reviewer)
    for url in (QUEUE, _detail(stored)):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in html


def test_status_buttons_move_the_question(client, question, reviewer):
    client.force_login(reviewer)
    response = client.post(f"{_detail(question)}triage/")
    assert response.status_code == 302 and response["Location"] == _detail(question)
    assert Question.objects.get(pk=question.pk).status == Question.Status.TRIAGED
    client.post(f"{_detail(question)}spam/")
    assert Question.objects.get(pk=question.pk).status == Question.Status.SPAM


def test_state_changes_are_post_only(client, question, reviewer):
    client.force_login(reviewer)
    assert client.get(f"{_detail(question)}spam/").status_code == 405
    assert Question.objects.get(pk=question.pk).status == Question.Status.NEW


def test_a_refused_move_is_explained(client, question, reviewer):
    client.force_login(reviewer)
    client.post(f"{_detail(question)}answer/", {"answer": "Yes."})
    response = client.post(f"{_detail(question)}spam/", follow=True)
    assert "Mark spam is not possible: this question is answered." in response.content.decode()


def test_answering_through_the_web_emails_the_reader(
    client, question, reviewer, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{_detail(question)}answer/", {"answer": "It depends."})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    html = client.get(_detail(question)).content.decode()
    assert "It depends." in html and "Answer sent to the outbox" in html


def test_an_empty_answer_keeps_the_page_with_an_error(client, question, reviewer):
    client.force_login(reviewer)
    response = client.post(f"{_detail(question)}answer/", {"answer": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_marking_a_duplicate_through_the_web(client, make_question, reviewer):
    original, repeat = make_question("The first asking?"), make_question("The same again?")
    client.force_login(reviewer)
    client.post(f"{_detail(repeat)}duplicate/", {"original": original.pk})
    assert Question.objects.get(pk=repeat.pk).duplicate_of == original
    assert "The same again?" in client.get(_detail(original)).content.decode()


def _draft_form(question, author, **overrides) -> dict:
    data = {
        "author": author.pk,
        "title": "Is zongertinib given before chemotherapy?",
        "slug": f"her2-exon-20-follow-up-{question.pk}",
    }
    data.update(overrides)
    return data


def _section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_the_draft_form_is_prefilled_with_a_neutral_address_and_lists_the_authors(
    client, make_question, reviewer, author, inactive_author
):
    question = make_question("Zyzzogeton: can my mother take it?")
    client.force_login(reviewer)
    html = client.get(_detail(question)).content.decode()
    form = html.split('aria-labelledby="draft-title"', 1)[1].split("</form>", 1)[0]
    assert f'value="her2-exon-20-follow-up-{question.pk}"' in form
    # The title starts from the article, never the reader's words (it becomes public); the
    # editor rewrites it with the question shown above the form.
    assert f'value="Follow-up to: {question.article.title}"' in form
    assert "Zyzzogeton" not in form and "Zyzzogeton: can my mother take it?" in html
    assert f'<option value="{author.pk}">Sam Carter (author)</option>' in form
    assert inactive_author.public_name not in form and reviewer.public_name not in form
    for name in ("author", "title", "slug"):
        assert f'<label for="draft_{name}">' in form


def test_a_reviewer_gives_a_draft_to_an_author_who_finds_it_in_their_submissions(
    client, question, reviewer, author, other_author
):
    client.force_login(reviewer)
    response = client.post(f"{_detail(question)}draft/", _draft_form(question, author))
    question.refresh_from_db()
    draft = question.draft_article
    assert draft.author == author and draft.title == "Is zongertinib given before chemotherapy?"
    # Reviewers see a draft only once it is submitted, so the editor stays on the question.
    assert response.status_code == 302 and response["Location"] == _detail(question)
    html = client.get(_detail(question)).content.decode()
    assert f'href="/review/articles/{draft.slug}/"' in html and "Sam Carter" in html
    assert "Draft created for Sam Carter" in html

    client.force_login(author)
    dashboard = client.get("/review/")
    assert dashboard.status_code == 200
    assert draft.title in _section(dashboard.content.decode(), "mine-title")
    assert client.get(f"/review/articles/{draft.slug}/").status_code == 200
    assert client.get(f"/review/articles/{draft.slug}/edit/").status_code == 200

    client.force_login(other_author)
    assert draft.title not in client.get("/review/").content.decode()
    assert client.get(f"/review/articles/{draft.slug}/").status_code == 404


def test_an_admin_who_turns_a_question_into_a_draft_is_taken_to_it(
    client, question, admin_user, author
):
    client.force_login(admin_user)
    response = client.post(f"{_detail(question)}draft/", _draft_form(question, author))
    slug = f"her2-exon-20-follow-up-{question.pk}"
    assert response.status_code == 302 and response["Location"] == f"/review/articles/{slug}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"author": ""}, "Choose the author who will write this article."),
        ("reader", "only active members of the Authors group"),
        ("reviewer2", "only active members of the Authors group"),
        ({"slug": "her2-exon-20"}, "Another article already uses the address"),
        ({"slug": "Not a slug!"}, "Enter a valid"),
        ({"title": "   "}, "Give the draft a title."),
    ],
)
def test_bad_draft_input_is_refused_beside_the_field_keeping_what_was_typed(
    client, question, reviewer, author, request, change, error
):
    if isinstance(change, str):
        change = {"author": request.getfixturevalue(change).pk}
    data = {**_draft_form(question, author), "title": "My own careful title", **change}
    client.force_login(reviewer)
    response = client.post(f"{_detail(question)}draft/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert error in html and 'aria-invalid="true"' in html
    assert f'value="{data["slug"]}"' in html
    if data["title"].strip():
        assert 'value="My own careful title"' in html
    question.refresh_from_db()
    assert question.draft_article is None and question.status == Question.Status.NEW
    assert not Article.objects.filter(title="My own careful title").exists()


def test_a_question_already_drafted_offers_no_second_draft(client, question, reviewer, author):
    client.force_login(reviewer)
    client.post(f"{_detail(question)}draft/", _draft_form(question, author))
    response = client.post(
        f"{_detail(question)}draft/", _draft_form(question, author, slug="another-address")
    )
    assert response.status_code == 302 and response["Location"] == _detail(question)
    html = client.get(_detail(question)).content.decode()
    assert "can no longer be turned into a draft" in html
    assert 'aria-labelledby="draft-title"' not in html
    assert not Article.objects.filter(slug="another-address").exists()


def test_only_reviewers_and_admins_may_turn_a_question_into_a_draft(
    client, question, reader, author
):
    url = f"{_detail(question)}draft/"
    response = client.post(url, _draft_form(question, author))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (reader, author):
        client.force_login(user)
        assert client.post(url, _draft_form(question, author)).status_code == 403
    assert client.get(url).status_code == 405  # a state change is POST only
    assert Question.objects.get(pk=question.pk).draft_article is None
    assert not Article.objects.filter(slug__contains="follow-up").exists()


def test_requesting_a_change_comments_on_the_source_article(client, question, reviewer):
    client.force_login(reviewer)
    client.post(f"{_detail(question)}request-change/", {"note": "Mention the dose."})
    event = ReviewEvent.objects.get(action="comment")
    assert event.article == question.article and "Mention the dose." in event.comment
    html = client.get(f"/review/articles/{question.article.slug}/").content.decode()
    assert "Mention the dose." in html
