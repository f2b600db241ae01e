"""The schedule's pages and buttons: the desk's filtered lists, and the editors' scheduled
go-lives and re-reviews. Thin: each calls one service; refusals are the middleware's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import schedule
from .desk import desk_list
from .forms import GoLiveForm, ReReviewForm
from .models import ScheduledReReview
from .paging import page_links
from .views import _require_roles, _visible_article
from .workflow import ADMINS, EDITORS, REVIEWERS, long_date

DESK = {EDITORS, ADMINS, REVIEWERS}


@login_required
def desk_articles(request: HttpRequest) -> HttpResponse:
    """The articles behind one count of the desk (?state=, ?age=, or ?reviewer=&due=)."""
    _require_roles(request, DESK)
    listed = desk_list(request.GET)
    if listed is None:
        raise Http404("No such list.")
    return render(
        request,
        "review/desk_list.html",
        {"listed": listed, "links": page_links(request.GET, "page", listed.page)},
    )


@login_required
@require_POST
def cancel_go_live(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, {EDITORS, ADMINS})
    article = _visible_article(request, slug)
    schedule.cancel_go_live(article=article, by=request.user)
    messages.success(request, _("The go-live is cancelled; readers keep what they see."))
    return redirect("review:article", slug=slug)


@login_required
@require_POST
def reschedule_go_live(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, {EDITORS, ADMINS})
    article = _visible_article(request, slug)
    form = GoLiveForm(request.POST, prefix="go-live")
    if not form.is_valid():
        messages.error(request, _("Choose the day to publish on."))
        return redirect("review:article", slug=slug)
    row = schedule.reschedule_go_live(
        article=article, by=request.user, go_live_on=form.cleaned_data["go_live_on"]
    )
    messages.success(
        request, _("Scheduled to go live on %(day)s.") % {"day": long_date(row.go_live_on)}
    )
    return redirect("review:article", slug=slug)


@login_required
@require_POST
def schedule_re_review(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, {EDITORS, ADMINS})
    article = _visible_article(request, slug)
    form = ReReviewForm(request.POST, prefix="re-review")
    if not form.is_valid():
        messages.error(request, _("Choose the day of the re-review."))
        return redirect("review:article", slug=slug)
    row = schedule.schedule_re_review(
        article=article, by=request.user, due_on=form.cleaned_data["due_on"],
        reason=form.cleaned_data["reason"],
    )  # fmt: skip
    messages.success(
        request, _("Re-review scheduled for %(day)s.") % {"day": long_date(row.due_on)}
    )
    return redirect("review:article", slug=slug)


@login_required
@require_POST
def cancel_re_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_roles(request, {EDITORS, ADMINS})
    article = _visible_article(request, slug)
    row = get_object_or_404(ScheduledReReview, pk=pk, article=article)
    schedule.cancel_re_review(re_review=row, by=request.user)
    messages.success(request, _("The re-review is cancelled."))
    return redirect("review:article", slug=slug)
