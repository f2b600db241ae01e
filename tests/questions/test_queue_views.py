"""The editors' queue through the web: who may see it, its order, its actions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

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


@pytest.mark.parametrize("who", ["reviewer", "admin_user"])
def test_reviewers_and_admins_see_the_queue_and_the_reply_address(client, question, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert question.text in response.content.decode()
    detail = client.get(_detail(question)).content.decode()
    assert "ann@example.org" in detail and "Ann" in detail


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
    assert "It depends." in html and "the address was then deleted" in html


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


def test_turning_a_question_into_a_draft_opens_the_draft_for_review(client, question, reviewer):
    client.force_login(reviewer)
    response = client.post(f"{_detail(question)}draft/")
    question.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/review/articles/{question.draft_article.slug}/"
    assert client.get(response["Location"]).status_code == 200


def test_requesting_a_change_comments_on_the_source_article(client, question, reviewer):
    client.force_login(reviewer)
    client.post(f"{_detail(question)}request-change/", {"note": "Mention the dose."})
    event = ReviewEvent.objects.get(action="comment")
    assert event.article == question.article and "Mention the dose." in event.comment
    html = client.get(f"/review/articles/{question.article.slug}/").content.decode()
    assert "Mention the dose." in html
