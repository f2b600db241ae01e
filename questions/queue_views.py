"""The editors' triage queue: thin views over questions.services.

Readers' questions are for editors, reviewers and admins only: anonymous visitors are sent to
sign in, anyone else signed in gets 403. Every change is a POST through one service; a refused move
becomes a message (or 403), never a silent no-op.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from review.paging import page_links, page_of

from . import selectors, services
from .forms import (
    AnswerForm,
    ChangeRequestForm,
    DraftArticleForm,
    DuplicateForm,
    QueueFilterForm,
)
from .models import Question

PAGE_SIZE = 50
_NO_LONGER_DRAFTABLE = (
    "This question can no longer be turned into a draft: it already has one, or it is closed."
)


def _require_editor(request: HttpRequest) -> None:
    if not selectors.is_editor(request.user):
        raise PermissionDenied("Readers' questions are handled by editors, reviewers and admins.")


def _question(request: HttpRequest, pk: int) -> Question:
    return get_object_or_404(selectors.questions_visible_to(request.user), pk=pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    filters = QueueFilterForm(request.GET or None)
    status, article = "open", ""
    if filters.is_valid():
        status = filters.cleaned_data["status"] or "open"
        article = filters.cleaned_data["article"]
    questions = selectors.question_queue(request.user, status=status, article=article)
    page = page_of(questions, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "questions/queue.html",
        {
            "filters": filters,
            "page": page,
            "status": status,
            "counts": selectors.status_counts(request.user),
            "page_links": page_links(request.GET, "page", page),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int, *, status: int = 200, **bound) -> HttpResponse:
    """The question, what has come of it, and a form for each action its status allows."""
    _require_editor(request)
    question = _question(request, pk)
    actions = selectors.available_actions(question)
    candidates = selectors.duplicate_candidates(question)
    draft = question.draft_article
    suggestion = selectors.suggested_draft(question)
    forms = {
        "answer_form": AnswerForm(reply_by_email=question.wants_reply),
        "duplicate_form": DuplicateForm(candidates=candidates),
        "change_form": ChangeRequestForm(),
        "draft_form": DraftArticleForm(
            initial={"title": suggestion.title, "slug": suggestion.slug}
        ),
        **bound,  # a form sent back with errors replaces its blank one
    }
    context = {
        "question": question,
        "actions": actions,
        "can_mark_duplicate": actions["duplicate"] and candidates.exists(),
        "can_draft": selectors.can_draft(question),
        "nothing_to_do": not (actions["triage"] or actions["spam"] or actions["answer"]),
        "draft": draft,
        "draft_is_open_to_me": draft is not None
        and selectors.can_open_review_page(request.user, draft),
        "duplicates": question.duplicates.all(),
        **forms,
    }
    return render(request, "questions/queue_detail.html", context, status=status)


def _act(
    request: HttpRequest, pk: int, done: str, call: Callable[[Question], object]
) -> HttpResponse:
    _require_editor(request)
    question = _question(request, pk)
    try:
        call(question)
    except services.InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("question_queue:detail", pk=pk)


@login_required
@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, "Marked triaged.", lambda q: services.triage(question=q, by=request.user)
    )


@login_required
@require_POST
def spam(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, "Marked spam.", lambda q: services.mark_spam(question=q, by=request.user)
    )


@login_required
@require_POST
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    question = _question(request, pk)
    form = DuplicateForm(request.POST, candidates=selectors.duplicate_candidates(question))
    if not form.is_valid():
        messages.error(request, "Choose the question this one repeats.")
        return redirect("question_queue:detail", pk=pk)
    original = form.cleaned_data["original"]
    return _act(
        request,
        pk,
        f"Marked as a duplicate of question {original.pk}.",
        lambda q: services.mark_duplicate(question=q, original=original, by=request.user),
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    question = _question(request, pk)
    form = AnswerForm(request.POST, reply_by_email=question.wants_reply)
    if not form.is_valid():
        # Keep every word the editor wrote, with the error next to the field.
        return detail(request, pk, status=400, answer_form=form)
    try:
        services.answer_question(
            question=question, by=request.user, answer=form.cleaned_data["answer"]
        )
    except services.InvalidTransition as exc:
        form.add_error(None, exc.message)
        return detail(request, pk, status=400, answer_form=form)
    if question.reply_queued_at:
        messages.success(request, "Answer saved. It will be e-mailed to the reader.")
    else:
        messages.success(request, "Answer saved. The reader left no address, so none is sent.")
    return redirect("question_queue:detail", pk=pk)


@login_required
@require_POST
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    question = _question(request, pk)
    if not selectors.can_draft(question):
        # Drafted or closed meanwhile: the form is gone, so say why on the question page.
        messages.error(request, _NO_LONGER_DRAFTABLE)
        return redirect("question_queue:detail", pk=pk)
    form = DraftArticleForm(request.POST)
    if not form.is_valid():
        # Keep what the editor chose and typed, with each error beside its field.
        return detail(request, pk, status=400, draft_form=form)
    data = form.cleaned_data
    try:
        article = services.draft_article_from_question(
            question=question,
            by=request.user,
            author=data["author"],
            title=data["title"],
            slug=data["slug"],
        )
    except services.InvalidTransition as exc:
        if not selectors.can_draft(_question(request, pk)):
            messages.error(request, exc.message)
            return redirect("question_queue:detail", pk=pk)
        form.add_error(None, exc.message)
        return detail(request, pk, status=400, draft_form=form)
    author = data["author"].public_name
    if selectors.can_open_review_page(request.user, article):
        messages.success(request, f"Draft created for {author}.")
        return redirect("review:article", slug=article.slug)
    # Reviewers see a draft only once its author submits it: stay on the question, which
    # links to the draft.
    messages.success(
        request,
        f"Draft created for {author}: it is in their submissions on the review dashboard, "
        "and reviewers see it once they submit it.",
    )
    return redirect("question_queue:detail", pk=pk)


@login_required
@require_POST
def request_change(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    form = ChangeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the note to 2,000 characters or fewer.")
        return redirect("question_queue:detail", pk=pk)
    note = form.cleaned_data["note"]
    return _act(
        request,
        pk,
        "The question is now on the article's review timeline.",
        lambda q: services.request_article_change(question=q, by=request.user, note=note),
    )
