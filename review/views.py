"""The review area: thin views over review.services; refusals become messages and status codes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from articles.evidence import ungraded_recommendations
from articles.memo import reading
from articles.models import Article, Reference
from articles.selectors import flagged_references, latest_revision_id, working_content
from articles.services import save_article, save_reference
from contributors.selectors import disclosure_status
from personalization.consistency import version_mismatches
from personalization.models import ArticleVariant, ReaderRole
from personalization.readability import spanish_scores
from personalization.selectors import (
    reader_roles,
    revision_variant_source,
    variant_grades,
    with_variants,
)
from personalization.translation_consistency import translation_checks

from . import checklist, selectors, services
from .comment_views import comments_context
from .desk import desk, with_due_dates
from .diffs import article_diff, compare_revisions
from .errors import InvalidTransition, StaleRevision
from .forms import (
    ArticleEditForm,
    AssignForm,
    CommentForm,
    MoveForm,
    NewArticleForm,
    ReferenceForm,
    VariantForm,
)
from .paging import page_links
from .signoffs import sign_off_status
from .translation_views import translation_panel
from .workflow import (
    ADMINS,
    AUTHORS,
    BUTTON_MOVES,
    EDITORS,
    MOVES,
    QUESTION_HANDLERS,
    REVIEWERS,
    WRITERS,
    refusal,
)

EVERYONE = {AUTHORS, EDITORS, REVIEWERS, ADMINS}
# The roles as the dashboard names them; the groups keep their English names.
ROLE_NAMES = {
    ADMINS: gettext_lazy("Admins"),
    AUTHORS: gettext_lazy("Authors"),
    EDITORS: gettext_lazy("Editors"),
    REVIEWERS: gettext_lazy("Reviewers"),
}


def _require_roles(request: HttpRequest, roles: set[str]) -> set[str]:
    mine = selectors.roles_of(request.user)
    if not mine & roles:
        raise PermissionDenied(_("Your account has no role in the review area."))
    return mine


def _visible_article(request: HttpRequest, slug: str) -> Article:
    """With what its pages show of the edition readers see (not the edition's texts)."""
    articles = selectors.articles_visible_to(request.user).select_related("public_edition")
    return get_object_or_404(articles.defer(*EDITION_TEXTS), slug=slug)


# An edition's texts and indexes, which the review pages never show (the diff reads revisions).
EDITION_TEXTS = ("public_edition__renditions", "public_edition__change_log",
                 "public_edition__search_text")  # fmt: skip


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    roles = _require_roles(request, EVERYONE)
    dashboard = selectors.dashboard_for(request.user, pages=request.GET)
    for queue in dashboard.queues:
        queue.page.object_list = list(queue.page.object_list)
    # Each row says what is due, overdue, and whose: one read for every queue's page.
    with_due_dates([a for queue in dashboard.queues for a in queue.page.object_list])
    the_desk = desk(pages=request.GET) if roles & {EDITORS, ADMINS} else None
    return render(
        request,
        "review/dashboard.html",
        {
            "queues": [
                (queue, page_links(request.GET, queue.parameter, queue.page))
                for queue in dashboard.queues
            ],
            "roles": [ROLE_NAMES[role] for role in sorted(roles)],
            "can_write": bool(roles & WRITERS),
            "can_review": bool(roles & {REVIEWERS, ADMINS}),
            "can_triage": bool(roles & QUESTION_HANDLERS),
            "writes_articles": AUTHORS in roles,
            # A board member's renewal date: an overdue disclosure stops their approvals.
            "disclosure": disclosure_status(request.user, today=timezone.localdate())
            if REVIEWERS in roles
            else None,
            "desk": the_desk,
            "reviewer_links": the_desk
            and page_links(request.GET, "reviewers", the_desk.by_reviewer),
        },
    )


@login_required
def article_review(request: HttpRequest, slug: str, *, status: int = 200, **extra) -> HttpResponse:
    """The review page: it only reads, so each question its buttons' guards ask of the article
    and the reader is read once (articles.memo)."""
    with reading():
        return _article_review(request, slug, status=status, **extra)


def _article_review(request: HttpRequest, slug: str, *, status: int, **extra) -> HttpResponse:
    roles = _require_roles(request, EVERYONE)
    article = _visible_article(request, slug)
    working = working_content(article)
    baseline = selectors.diff_baseline(article)
    baseline_source = (
        revision_variant_source(article, baseline.revision_id) if baseline.revision_id else None
    )
    events = selectors.timeline(article, page=request.GET.get("timeline"))
    context = {
        "article": article,
        "working": working,
        "baseline": baseline,
        "diff": article_diff(baseline_source, with_variants(working.source, article)),
        "grades": variant_grades(article),
        # A Spanish text is scored by a Spanish formula, against its role's floor on that scale.
        "spanish_scores": spanish_scores(article)
        if getattr(article, "language", "en") == "es"
        else None,
        "flagged_references": flagged_references(article),
        "variant_roles": reader_roles(),
        "moves": selectors.available_moves(article, request.user),
        "seen_revision_id": latest_revision_id(article),
        "events": events,
        "event_links": page_links(request.GET, "timeline", events, anchor="#timeline-title"),
        "can_edit": selectors.may_edit(article, request.user),
        "can_assign": bool(roles & {REVIEWERS, ADMINS}),
        "assign_form": AssignForm(
            reviewers=selectors.assignable_reviewers(article),
            offered=selectors.eligible_reviewers(article),
        ),
        "assignments": selectors.assignments_of(article),
        "comment_form": CommentForm(),
        "comment_refusal": refusal(MOVES["comment"], article=article, user=request.user),
        "ungraded": ungraded_recommendations(working.body_html),
        "consistency": version_mismatches(article),
        "consistency_blocks": settings.VETTED_CONSISTENCY_BLOCKS_APPROVAL,
        "translation_checks": translation_checks(article),
        "translation_facts_block": settings.VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL,
        **comments_context(article, request.user),
        "sign_off": sign_off_status(article),
        "checklist_rows": checklist.rows(extra.get("kept_checklist")),
        "translation": translation_panel(article, request.user),
        **extra,
    }
    return render(request, "review/article.html", context, status=status)


@login_required
@require_POST
def move(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    _require_roles(request, EVERYONE)
    if name not in {move.name for move in BUTTON_MOVES}:
        raise Http404("No such move.")
    article = _visible_article(request, slug)
    form = MoveForm(request.POST)
    label = MOVES[name].label_for(article)
    kept = {
        "failed_move": name,
        "kept_comment": request.POST.get("comment", ""),
        "kept_note": request.POST.get("note", ""),
        "kept_checklist": checklist.answers_from(request.POST),
        "kept_correction": request.POST.get("correction", ""),
        "kept_corrects_error": bool(request.POST.get("corrects_error")),
    }
    if not form.is_valid():  # say what was wrong; keep what was typed
        errors = " ".join(message for field in form.errors.values() for message in field)
        return article_review(request, slug, status=400, move_error=errors, **kept)
    try:
        services.make_move(
            name,
            article=article,
            by=request.user,
            seen_revision_id=form.cleaned_data["seen_revision_id"],
            comment=form.cleaned_data["comment"],
            note=form.cleaned_data["note"],
            checklist=kept["kept_checklist"] if MOVES[name].asks_checklist else None,
            correction=form.declared_correction,
            go_live_on=form.cleaned_data["go_live_on"],
        )
    except (StaleRevision, InvalidTransition) as exc:  # refusals are the middleware's
        return article_review(request, slug, status=exc.status_code, move_error=exc.message, **kept)
    messages.success(request, _done(name, label, article))
    return redirect("review:article", slug=slug)


def _done(name: str, label: str, article: Article) -> str:
    """What the mover is told: a sign-off the policy needs more of says what is still needed."""
    article.refresh_from_db()
    move = MOVES[name]
    if move.completes is not None and article.state != move.target:
        return _("Signed off. The article stays under review: %(needed)s.") % {
            "needed": sign_off_status(article).summary
        }
    return _("%(move)s: done.") % {"move": label}


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, WRITERS)
    article = _visible_article(request, slug)
    _require_may_edit(article, request.user)
    current = latest_revision_id(article)
    if request.method != "POST":
        form = ArticleEditForm(
            initial={
                "title": article.title,
                "summary": article.summary,
                "body": article.body,
                "literature_current_through": article.literature_current_through,
                "seen_revision_id": current,
            }
        )
        return _edit_page(request, article, form)
    form = ArticleEditForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, article, form, status=400)
    data = form.cleaned_data
    try:
        services.edit_article(
            article=article,
            by=request.user,
            seen_revision_id=data["seen_revision_id"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            literature_current_through=data["literature_current_through"],
            comment=data["comment"],
        )
    except StaleRevision as exc:
        # Keep every word they typed; offer the newer version's differences, and let a second
        # save (now knowingly on top of the newest revision) go through.
        newest = working_content(article).source
        form = ArticleEditForm(initial={**data, "seen_revision_id": current})
        return _edit_page(
            request, article, form, status=409, stale=exc.message,
            stale_diff=article_diff(newest, newest.replace(**{
                name: data[name] for name in ("title", "summary", "body",
                                              "literature_current_through")
            })),
        )  # fmt: skip
    except InvalidTransition as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _edit_page(request, article, form, status=exc.status_code)
    messages.success(request, _("Saved. The article needs review before readers see this text."))
    return redirect("review:article", slug=article.slug)


@login_required
def edit_variant(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    _require_roles(request, WRITERS)
    article = _visible_article(request, slug)
    _require_may_edit(article, request.user)
    reader_role = get_object_or_404(ReaderRole, slug=role)
    variant = ArticleVariant.objects.filter(article=article, role=reader_role).first()
    if request.method != "POST":
        form = VariantForm(
            initial={
                "summary": variant.summary if variant else "",
                "body": variant.body if variant else "",
                "seen_revision_id": latest_revision_id(article),
            }
        )
        return _variant_page(request, article, reader_role, variant, form)
    form = VariantForm(request.POST)
    if not form.is_valid():
        return _variant_page(request, article, reader_role, variant, form, status=400)
    data = form.cleaned_data
    remove = "remove" in request.POST
    try:
        services.edit_variant(
            article=article, role=reader_role, by=request.user,
            seen_revision_id=data["seen_revision_id"], summary=data["summary"],
            body=data["body"] or "", comment=data["comment"], remove=remove,
        )  # fmt: skip
    except StaleRevision as exc:
        form = VariantForm(initial={**data, "seen_revision_id": latest_revision_id(article)})
        form.is_bound = False
        return _variant_page(
            request, article, reader_role, variant, form, status=409, stale=exc.message
        )
    except InvalidTransition as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _variant_page(request, article, reader_role, variant, form, status=exc.status_code)
    done = (
        _("The %(role)s version is removed; it needs review.")
        if remove
        else _("The %(role)s version is saved; it needs review.")
    )
    role_name = reader_role.label_for(translation.get_language()).lower()
    messages.success(request, done % {"role": role_name})
    return redirect("review:article", slug=article.slug)


def _require_may_edit(article: Article, user) -> None:
    """The edit pages are offered only where the edit move would be allowed."""
    refused = refusal(MOVES["edit"], article=article, user=user)
    if refused:
        raise refused.exception()


def _variant_page(request, article, role, variant, form, status=200, **extra) -> HttpResponse:
    context = {
        "article": article,
        "role": role,
        "description": role.description_for(translation.get_language()),
        "variant": variant,
        "form": form,
        **extra,
    }
    return render(request, "review/variant.html", context, status=status)


def _edit_page(request, article, form, status=200, **extra) -> HttpResponse:
    return render(
        request, "review/edit.html", {"article": article, "form": form, **extra}, status=status
    )


@login_required
def new_article(request: HttpRequest) -> HttpResponse:
    _require_roles(request, WRITERS)
    form = NewArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        article = Article(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            literature_current_through=data["literature_current_through"],
        )
        try:
            save_article(article=article, by=request.user, comment=data["comment"] or "Created")
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("review:article", slug=article.slug)
    return render(request, "review/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def references(request: HttpRequest) -> HttpResponse:
    """The reference list authors cite from, and a form to add one."""
    roles = _require_roles(request, EVERYONE)
    can_add = bool(roles & WRITERS)
    form = ReferenceForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied(_("Only authors or admins may add references."))
        if form.is_valid():
            reference = save_reference(
                reference=form.save(commit=False), by=request.user, comment="Added in review"
            )
            messages.success(request, _("Added. Cite it as [@%(key)s].") % {"key": reference.key})
            return redirect("review:references")
    query = request.GET.get("q", "").strip()[:100]
    listed = Reference.objects.all()
    if query:
        listed = listed.filter(Q(key__icontains=query) | Q(title__icontains=query))
    return render(
        request,
        "review/references.html",
        {"references": listed[:200], "form": form, "can_add": can_add, "query": query},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, EVERYONE)
    article = _visible_article(request, slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(article=article, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write a comment (up to 5,000 characters) first."))
    return redirect("review:article", slug=slug)


@login_required
@require_POST
def assign(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, {REVIEWERS, ADMINS})
    article = _visible_article(request, slug)
    form = AssignForm(request.POST, reviewers=selectors.assignable_reviewers(article))
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer from the list."))
        return redirect("review:article", slug=slug)
    try:
        services.assign_reviewer(
            article=article, reviewer=form.cleaned_data["reviewer"], by=request.user
        )
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is assigned.") % {"name": form.cleaned_data["reviewer"].public_name},
        )
    return redirect("review:article", slug=slug)


@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, EVERYONE)
    article = _visible_article(request, slug)
    history = selectors.revision_history(article, page=request.GET.get("page"))
    events = selectors.timeline(article, page=request.GET.get("timeline"))
    return render(
        request,
        "review/history.html",
        {
            "article": article,
            "history": history,
            "version_links": page_links(request.GET, "page", history.versions),
            "events": events,
            "event_links": page_links(request.GET, "timeline", events, anchor="#events-title"),
        },
    )


@login_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, EVERYONE)
    article = _visible_article(request, slug)
    old_id, new_id = request.GET.get("from"), request.GET.get("to")
    diff = compare_revisions(article, old_id, new_id)
    if diff is None:
        raise Http404("Choose two versions of this article to compare.")
    return render(
        request,
        "review/compare.html",
        {"article": article, "old_id": old_id, "new_id": new_id, "diff": diff},
    )
