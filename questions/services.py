"""Every write to a question goes through here.

The reader's question is scrubbed before it is stored and the editors are told once it has
committed. Each editor action checks the actor, locks the row, checks the status against
questions.workflow.ACTIONS, and writes any e-mail to the outbox, which sends it after the commit.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from articles.models import DRAFT_PLACEHOLDER, Article
from articles.services import save_article
from outbox.services import queue_email
from review.models import ReviewEvent
from review.services import InvalidTransition, NotAllowed, add_comment

from . import emails
from .models import Question
from .scrubbing import scrub
from .selectors import is_draft_author, is_editor
from .urgency import urgent_reasons
from .workflow import ACTIONS, EDITOR_GROUPS

__all__ = ["InvalidTransition", "NotAllowed"]

logger = logging.getLogger(__name__)


def receive_question(
    *, article: Article, text: str, name: str, email: str, reader_role: str, consent: bool,
    language: str = settings.LANGUAGE_CODE,
) -> Question:  # fmt: skip
    """Store a reader's question with identifiers removed, in the language of the page it was
    asked on (the answer is written in it); editors are told after the commit."""
    if not consent:
        raise InvalidTransition("A question is stored only with the reader's consent.")
    # Urgency is judged on what the reader wrote; only the scrubbed text is kept.
    reasons = urgent_reasons(text)
    scrubbed = scrub(text)
    with transaction.atomic():
        question = Question.objects.create(
            article=article,
            text=scrubbed.text,
            removed=list(scrubbed.found),
            name=scrub(name).text,
            email=email,
            reader_role=reader_role,
            language=language,
            consent=True,
            urgent=bool(reasons),
            urgent_reasons=list(reasons),
        )
        _tell_editors(question)
    return question


def _tell_editors(question: Question) -> None:
    editors = User.objects.filter(groups__name__in=EDITOR_GROUPS, is_active=True).exclude(email="")
    for editor in editors.distinct().order_by("pk"):
        with translation.override(editor.mail_language):
            subject, body = emails.editor_subject(question), emails.editor_body(question)
        queue_email(
            to=editor.email, recipient=editor, subject=subject, body=body,
            dedupe_key=f"question-notice:{question.pk}:{editor.pk}",
        )  # fmt: skip
    if not editors.exists():
        logger.warning("No editor has an e-mail address; question %s waits in the queue.",
                       question.pk)  # fmt: skip


def triage(*, question: Question, by: User) -> Question:
    """An editor has read the question and keeps it for follow-up."""
    with transaction.atomic():
        locked = _lock_for("triage", question, by)
        _move(locked, by, Question.Status.TRIAGED)
    return _refresh(question, locked)


def mark_spam(*, question: Question, by: User) -> Question:
    """An editor sets aside a question that is not a real one; the purge deletes it in time."""
    with transaction.atomic():
        locked = _lock_for("spam", question, by)
        _move(locked, by, Question.Status.SPAM)
    return _refresh(question, locked)


def mark_duplicate(*, question: Question, original: Question, by: User) -> Question:
    """A question that repeats another on the same article points at it and counts as triaged."""
    with transaction.atomic():
        locked = _lock_for("duplicate", question, by)
        # Point at the root of a chain, so duplicates never form a loop.
        root = Question.objects.select_for_update().get(pk=original.pk)
        while root.duplicate_of_id is not None:
            root = root.duplicate_of
        if root.pk == locked.pk:
            raise InvalidTransition("A question cannot be a duplicate of itself.")
        if root.article_id != locked.article_id:
            raise InvalidTransition("Only a question on the same article can be the original.")
        locked.duplicate_of = root
        _move(locked, by, Question.Status.TRIAGED, extra=["duplicate_of"])
    return _refresh(question, locked)


def answer_question(*, question: Question, by: User, answer: str) -> Question:
    """Store an editor's answer; a reader who left an address gets it by e-mail after commit."""
    answer = answer.strip()
    if not answer:
        raise InvalidTransition("Write the answer first.")
    with transaction.atomic():
        locked = _lock_for("answer", question, by)
        locked.answer, locked.answered_by, locked.answered_at = answer, by, timezone.now()
        _move(locked, by, Question.Status.ANSWERED, extra=["answer", "answered_by", "answered_at"])
        if locked.email:
            _send_answer(locked)
    return _refresh(question, locked)


def _send_answer(question: Question) -> None:
    # The address was kept only for this reply: it moves to the outbox row, which forgets it
    # once the reply has gone.
    queue_email(
        to=question.email, subject=emails.reply_subject(question), body=emails.reply_body(question),
        dedupe_key=f"question-answer:{question.pk}", forget_address_when_sent=True,
    )  # fmt: skip
    question.reply_queued_at = timezone.now()
    question.email = question.name = ""
    question.save(update_fields=["reply_queued_at", "email", "name"])


def draft_article_from_question(
    *, question: Question, by: User, author: User, title: str, slug: str
) -> Article:
    """Start a draft answering a reader's question, written by the author the editor picks."""
    title = " ".join(title.split())
    if not title:
        raise InvalidTransition("Give the draft a title.")
    with transaction.atomic():
        locked = _lock_for("draft", question, by)
        if locked.draft_article_id:
            raise InvalidTransition("This question has already been turned into a draft.")
        # The author must be able to open and edit it: review shows a draft only to its author.
        if not is_draft_author(author):
            raise InvalidTransition(
                f"{author.public_name} is not an active member of the Authors group, "
                "so they could not edit the draft."
            )
        if Article.objects.filter(slug=slug).exists():
            raise InvalidTransition(slug_taken_message(slug))
        article = Article(
            author=author, slug=slug, title=title, summary="", body=_draft_body(locked)
        )
        try:
            save_article(
                article=article,
                by=by,
                comment=f"Drafted for {author.public_name} from reader question {locked.pk}",
            )
        except ValidationError as exc:
            raise InvalidTransition(" ".join(exc.messages)) from exc
        except IntegrityError as exc:
            # Another article took the address between the check above and the insert.
            raise InvalidTransition(slug_taken_message(slug)) from exc
        locked.draft_article = article
        _tell_author(article, by=by, question=locked)
        if locked.status == Question.Status.NEW:
            _move(locked, by, Question.Status.TRIAGED, extra=["draft_article"])
        else:
            locked.save(update_fields=["draft_article"])
    _refresh(question, locked)
    return article


def _tell_author(article: Article, *, by: User, question: Question) -> None:
    # An author does not see the question queue: without this, the draft would wait unseen
    # in their submissions.
    author = article.author
    if author.pk == by.pk or not author.email:
        return
    with translation.override(author.mail_language):
        subject = emails.draft_subject(article)
        body = emails.draft_body(article, by=by, question=question)
    queue_email(
        to=author.email, recipient=author, subject=subject, body=body,
        dedupe_key=f"question-draft:{question.pk}:{author.pk}",
    )  # fmt: skip


def slug_taken_message(slug: str) -> str:
    return f"Another article already uses the address \u201c{slug}\u201d. Choose another."


def request_article_change(*, question: Question, by: User, note: str = "") -> ReviewEvent:
    """Put the reader's question on the source article's review timeline as a change request."""
    with transaction.atomic():
        locked = _lock_for("request_change", question, by)
        link = reverse("question_queue:detail", kwargs={"pk": locked.pk})
        body = "\n\n".join(
            part
            for part in (
                f"Change requested from reader question {locked.pk} ({link}).",
                note.strip(),
                f"The reader asked: \u201c{locked.text}\u201d",
            )
            if part
        )
        event = add_comment(article=locked.article, by=by, body=body)
        locked.change_request = event
        if locked.status == Question.Status.NEW:
            _move(locked, by, Question.Status.TRIAGED, extra=["change_request"])
        else:
            locked.save(update_fields=["change_request"])
    _refresh(question, locked)
    return event


def purge_expired(*, days: int) -> int:
    """Delete questions older than the retention period, whatever their status."""
    cutoff = timezone.now() - timedelta(days=days)
    expired = Question.objects.filter(created_at__lt=cutoff)
    # Newer duplicates of an expiring question are kept; they just lose the pointer.
    Question.objects.filter(duplicate_of__in=expired).update(duplicate_of=None)
    deleted, _ = expired.delete()
    return deleted


def _lock_for(action: str, question: Question, by: User) -> Question:
    if not is_editor(by):
        raise NotAllowed("Only editors, reviewers or admins may handle readers' questions.")
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if locked.status not in ACTIONS[action].sources:
        raise InvalidTransition(
            f"{ACTIONS[action].label} is not possible: this question is "
            f"{locked.get_status_display().lower()}."
        )
    return locked


def _move(question: Question, by: User, status: str, extra: list[str] | None = None) -> None:
    question.status, question.handled_by, question.handled_at = status, by, timezone.now()
    question.save(update_fields=["status", "handled_by", "handled_at", *(extra or [])])


def _refresh(question: Question, locked: Question) -> Question:
    for field in Question._meta.concrete_fields:
        setattr(question, field.attname, getattr(locked, field.attname))
    return question


def _draft_body(question: Question) -> str:
    # The reader's words stay in the triage queue: a draft is text that may one day be
    # submitted and published, so it names the question by number only.
    return (
        f"This draft answers reader question {question.pk} (see the question in the triage "
        f"queue).\n\n{DRAFT_PLACEHOLDER}\n"
    )
