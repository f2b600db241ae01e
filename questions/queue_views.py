"""The editors' triage queue: thin views over questions.services.

Readers' questions are for reviewers and admins only: anonymous visitors are sent to sign in,
anyone else signed in gets 403. Every change is a POST through one service; a refused move
becomes a message (or 403), never a silent no-op.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import AnswerForm, ChangeRequestForm, DuplicateForm, QueueFilterForm
from .models import Question

PAGE_SIZE = 50


def _require_editor(request: HttpRequest) -> None:
    if not selectors.is_editor(request.user):
        raise PermissionDenied("Readers' questions are handled by reviewers and admins.")


def _question(request: HttpRequest, pk: int) -> Question:
    return get_object_or_404(selectors.questions_visible_to(request.user), pk=pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    filters = QueueFilterForm(
        request.GET or None, articles=selectors.articles_with_questions(request.user)
    )
    status, article = "open", None
    if filters.is_valid():
        status = filters.cleaned_data["status"] or "open"
        article = filters.cleaned_data["article"]
    questions = selectors.question_queue(request.user, status=status, article=article)
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "questions/queue.html",
        {
            "filters": filters,
            "page": page,
            "status": status,
            "counts": selectors.status_counts(request.user),
            "query": _query_without_page(request),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int, *, status: int = 200, **extra) -> HttpResponse:
    _require_editor(request)
    question = _question(request, pk)
    context = {
        "question": question,
        "actions": selectors.available_actions(question),
        "answer_form": AnswerForm(),
        "duplicate_form": DuplicateForm(candidates=selectors.duplicate_candidates(question)),
        "change_form": ChangeRequestForm(),
        "duplicates": question.duplicates.all(),
        **extra,
    }
    return render(request, "questions/queue_detail.html", context, status=status)


def _act(
    request: HttpRequest, pk: int, done: str, call: Callable[[Question], object]
) -> HttpResponse:
    _require_editor(request)
    question = _question(request, pk)
    try:
        call(question)
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
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
    form = AnswerForm(request.POST)
    if not form.is_valid():
        # Keep every word the editor wrote, with the error next to the field.
        return detail(request, pk, status=400, answer_form=form)
    try:
        services.answer_question(
            question=question, by=request.user, answer=form.cleaned_data["answer"]
        )
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except services.InvalidTransition as exc:
        form.add_error(None, exc.message)
        return detail(request, pk, status=400, answer_form=form)
    if question.email:
        messages.success(request, "Answer saved. It will be e-mailed to the reader.")
    else:
        messages.success(request, "Answer saved. The reader left no address, so none is sent.")
    return redirect("question_queue:detail", pk=pk)


@login_required
@require_POST
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    question = _question(request, pk)
    try:
        article = services.draft_article_from_question(question=question, by=request.user)
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except services.InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("question_queue:detail", pk=pk)
    messages.success(request, "Draft article created from the reader's question.")
    return redirect("review:article", slug=article.slug)


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


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
