"""Editors' notices, the sweeps and the retention purge: each safe to run twice."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from questions.models import Question
from questions.tasks import (
    notify_editors_of_question,
    purge_expired_questions,
    send_unnotified_questions,
    send_unsent_answers,
)


def _age(question, days):
    # Test setup: pretend the question was asked `days` ago.
    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_editors_are_told_of_a_new_question_once(make_question, reviewer, admin_user, author):
    question = make_question()
    assert notify_editors_of_question(question.pk) is True
    assert notify_editors_of_question(question.pk) is False
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([reviewer.email, admin_user.email])
    assert author.email not in mail.outbox[0].to  # authors are not editors
    assert f"/review/questions/{question.pk}/" in mail.outbox[0].body
    assert Question.objects.get(pk=question.pk).notified_at is not None


def test_an_urgent_question_says_so_in_the_subject(make_question, reviewer):
    question = make_question("My mother has chest pain after the infusion")
    notify_editors_of_question(question.pk)
    assert mail.outbox[0].subject.startswith("URGENT-LOOKING")
    assert "chest pain" in mail.outbox[0].body
    assert "infusion" not in mail.outbox[0].body  # the question stays in the queue


def test_the_sweep_sends_what_the_broker_missed(make_question, reviewer):
    missed = make_question()
    _age(missed, days=1)
    fresh = make_question()  # its own task may still be on the way
    assert send_unnotified_questions() == 1
    assert send_unnotified_questions() == 0
    assert Question.objects.get(pk=missed.pk).notified_at is not None
    assert Question.objects.get(pk=fresh.pk).notified_at is None


def test_with_no_editor_to_tell_the_question_waits_in_the_queue(make_question):
    question = make_question()
    assert notify_editors_of_question(question.pk) is False
    assert mail.outbox == []
    assert Question.objects.get(pk=question.pk).notified_at is not None  # no endless retry


def test_the_answer_sweep_sends_unsent_replies(make_question, reviewer):
    from questions import services

    question = make_question(email="ann@example.org")
    services.answer_question(question=question, by=reviewer, answer="Yes.")  # task not run
    Question.objects.filter(pk=question.pk).update(
        answered_at=timezone.now() - timedelta(minutes=5)
    )
    assert send_unsent_answers() == 1
    assert send_unsent_answers() == 0
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
