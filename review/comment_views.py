"""Comments on passages: thin views over review.comment_services. A refused rule reaches the
middleware (403); a passage not found re-shows the review page with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from articles.models import Article
from personalization.models import ReaderRole

from . import comment_rules, comment_services, selectors
from .comment_selectors import comments_on, passage_sources
from .errors import InvalidTransition
from .forms import PassageCommentForm, ReplyForm
from .models import PassageComment


def comments_context(article: Article, user: User) -> dict:
    """What the review page shows of comments: each text with its threads, and the form."""
    sources = passage_sources(article)
    return {
        "comments": comments_on(article, user, sources),
        "may_comment": comment_rules.may_comment(article, user) is None,
        "passage_form": _form(article, sources=sources),
    }


def _form(article: Article, data=None, *, sources=None) -> PassageCommentForm:
    texts = [(source.key, source.label) for source in (sources or passage_sources(article))]
    return PassageCommentForm(data, texts=texts, initial={"text": texts[0][0]}, prefix="passage")


def _article(request: HttpRequest, slug: str) -> Article:
    return get_object_or_404(selectors.articles_visible_to(request.user), slug=slug)


def _comment(request: HttpRequest, slug: str, pk: int) -> PassageComment:
    return get_object_or_404(PassageComment, pk=pk, article=_article(request, slug))


def _back(comment: PassageComment) -> HttpResponse:
    url = reverse("review:article", args=[comment.article.slug])
    return redirect(f"{url}#comment-{comment.pk}")


@login_required
@require_POST
def comment_on_passage(request: HttpRequest, slug: str) -> HttpResponse:
    from .views import article_review  # the page this form is on (it imports this module)

    article = _article(request, slug)
    form = _form(article, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        role = ReaderRole.objects.filter(slug=data["text"]).first() if data["text"] else None
        try:
            comment = comment_services.comment_on_passage(
                article=article, by=request.user, role=role, quote=data["quote"],
                body=data["body"], proposed_wording=data["proposed_wording"],
                blocking=data["blocking"],
            )  # fmt: skip
        except InvalidTransition as exc:  # keep every word typed; say what was wrong
            field = "quote" if isinstance(exc, comment_services.PassageRefused) else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, _("Your comment is on the passage."))
            return _back(comment)
    return article_review(request, slug, status=400, passage_form=form)


@login_required
@require_POST
def reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = _comment(request, slug, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        raise InvalidTransition(_("Write a reply (up to 5,000 characters) first."))
    comment_services.reply(comment=comment, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Reply added."))
    return _back(comment)


@login_required
@require_POST
def resolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = comment_services.resolve(comment=_comment(request, slug, pk), by=request.user)
    messages.success(request, _("Comment resolved."))
    return _back(comment)


@login_required
@require_POST
def reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = comment_services.reopen(comment=_comment(request, slug, pk), by=request.user)
    messages.success(request, _("Comment reopened."))
    return _back(comment)


@login_required
@require_POST
def accept_wording(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    seen = request.POST.get("seen_revision_id", "")
    comment = comment_services.accept_wording(
        comment=_comment(request, slug, pk), by=request.user,
        seen_revision_id=int(seen) if seen.isdigit() else None,
    )  # fmt: skip
    messages.success(request, _("The proposed wording is in the text, as a new revision."))
    return _back(comment)
