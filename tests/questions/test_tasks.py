"""Editors' notices and readers' answers go through the outbox; the retention purge."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from outbox.models import Email
from outbox.tasks import send_email, sweep_outbox
from questions.models import Question
from questions.tasks import purge_expired_questions


def _age(question, days):
    # Test setup: pretend the question was asked `days` ago.
    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(days=days))


def _notices(question):
    return Email.objects.filter(dedupe_key__startswith=f"question-notice:{question.pk}:")


def test_each_editor_is_told_of_a_new_question_once(
    make_question, editor, reviewer, admin_user, author
):
    question = make_question()  # rows written; the test's transaction never commits
    notices = _notices(question)
    handlers = sorted([editor.email, reviewer.email, admin_user.email])
    assert sorted(notices.values_list("to", flat=True)) == handlers  # authors are not editors
    for notice in notices:
        assert send_email(notice.pk) == "sent"
        assert send_email(notice.pk) == "not_due"
    assert sorted(m.to[0] for m in mail.outbox) == handlers
    assert f"/review/questions/{question.pk}/" in mail.outbox[0].body


def test_an_urgent_question_says_so_in_the_subject(make_question, reviewer):
    question = make_question("My mother has chest pain after the infusion")
    notice = _notices(question).get(to=reviewer.email)
    assert notice.subject.startswith("URGENT-LOOKING")
    assert "chest pain" in notice.body
    assert "infusion" not in notice.body  # the question stays in the queue


def test_the_sweep_sends_what_the_broker_missed(make_question, editor, reviewer):
    make_question()  # its task was never run (the test's transaction does not commit)
    assert sweep_outbox() == 2
    assert sweep_outbox() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([editor.email, reviewer.email])


def test_with_no_editor_to_tell_the_question_waits_in_the_queue(make_question, editor, caplog):
    editor.email = ""  # the article's fixture needed an editor to publish it
    editor.save(update_fields=["email"])
    question = make_question()
    assert not _notices(question).exists()
    assert "No editor has an e-mail address" in caplog.text
    assert sweep_outbox() == 0 and mail.outbox == []


def test_the_answer_sweep_sends_unsent_replies(make_question, reviewer):
    from questions import services

    question = make_question(email="ann@example.org")
    _notices(question).update(status=Email.Status.SENT, sent_at=timezone.now())
    services.answer_question(question=question, by=reviewer, answer="Yes.")  # task not run
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]


def test_questions_past_retention_are_purged(make_question, settings):
    settings.VETTED_QUESTION_RETENTION_DAYS = 30
    old, kept = make_question("old one?"), make_question("new one?")
    _age(old, days=31)
    _age(kept, days=29)
    assert purge_expired_questions() == 1
    assert list(Question.objects.all()) == [kept]


def test_the_purge_keeps_newer_duplicates_of_an_expired_question(make_question, reviewer):
    from questions import services

    old, newer = make_question("old?"), make_question("newer?")
    services.mark_duplicate(question=newer, original=old, by=reviewer)
    _age(old, days=200)
    assert purge_expired_questions() == 1  # default retention: 180 days
    newer.refresh_from_db()
    assert newer.duplicate_of is None
