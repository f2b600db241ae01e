"""The review area's translation pages: starting a translation, moving it to a newer English
edition, the English changes it has to catch up with, and the translator's queue. Thin views
over review.translations; refusals become messages and status codes (review.middleware)."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from articles.memo import reading
from articles.models import Article, Edition
from publishing.translations import newer_text

from . import selectors, translations
from .errors import InvalidTransition, StaleRevision
from .forms import MoveForm
from .paging import page_links
from .workflow import ADMINS, AUTHORS, EDITORS, REVIEWERS, language_name, may_write

EVERYONE = {AUTHORS, EDITORS, REVIEWERS, ADMINS}


@dataclass(frozen=True)
class Language:
    code: str
    name: str


@dataclass
class TranslationPanel:
    """What the review page says about translations: of a translation, what it translates and
    whether it is behind; of an original, its translations and the languages it may be
    translated into by this person."""

    original: Article | None = None
    language_name: str = ""
    newest: Edition | None = None
    behind: int = 0
    can_update: bool = False
    translations: list[Article] = field(default_factory=list)
    offer: list[Language] = field(default_factory=list)
    edition: Edition | None = None  # the original's edition a new translation starts from
    refused: str = ""


def translation_panel(article: Article, user: User) -> TranslationPanel:
    if article.translation_of_id is not None:
        original = article.translation_of
        translated = article.translates_edition
        newest = translations.edition_to_translate(original)
        behind = 0
        if newest is not None and translated is not None:
            behind = newer_text(original, translated).count()
        elif newest is not None:
            behind = 1
        return TranslationPanel(
            original=original, language_name=language_name(article.language), newest=newest,
            behind=behind, can_update=behind > 0 and may_write(article, user),
        )  # fmt: skip
    existing = list(article.translations.select_related("translates_edition"))
    panel = TranslationPanel(translations=existing)
    if not translations.may_translate(article, user):
        return panel
    panel.edition = translations.edition_to_translate(article)
    taken = {other.language for other in existing}
    wanted = [code for code in translations.translatable_languages() if code not in taken]
    if panel.edition is None:
        panel.refused = _(
            "Translation starts from an edition readers can see: an approved one, or the text "
            "an editor published provisionally."
        )
    else:
        panel.offer = [Language(code, language_name(code)) for code in wanted]
    return panel


def _require_a_role(request: HttpRequest) -> None:
    if not selectors.roles_of(request.user) & EVERYONE:
        raise PermissionDenied(_("Your account has no role in the review area."))


def _visible_article(request: HttpRequest, slug: str) -> Article:
    return get_object_or_404(selectors.articles_visible_to(request.user), slug=slug)


@login_required
@require_POST
def translate(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a translation of this article (its authors, editors and admins)."""
    _require_a_role(request)
    original = _visible_article(request, slug)
    try:
        made = translations.start_translation(
            original=original, by=request.user, language=request.POST.get("language", "")
        )
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("review:article", slug=slug)
    messages.success(
        request,
        _(
            "The %(language)s translation is started as a draft, prefilled with the English "
            "text: translate it, then submit it for review."
        )
        % {"language": language_name(made.language)},
    )
    return redirect("review:article", slug=made.slug)


@login_required
@require_POST
def update_translation(request: HttpRequest, slug: str) -> HttpResponse:
    """Move a translation to its original's newest approved edition, or the text it shows
    provisionally while never approved (an edit of it)."""
    _require_a_role(request)
    article = _visible_article(request, slug)
    form = MoveForm(request.POST)
    seen = form.cleaned_data["seen_revision_id"] if form.is_valid() else None
    try:
        event = translations.update_to_edition(article=article, by=request.user,
                                               seen_revision_id=seen)  # fmt: skip
    except (StaleRevision, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return redirect("review:article", slug=slug)
    messages.success(
        request,
        _("%(done)s. Bring its text in line with the changes shown.") % {"done": event.comment},
    )
    return redirect("review:english_changes", slug=slug)


@login_required
def english_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """The English changes a translation has to catch up with, as a word diff."""
    _require_a_role(request)
    article = _visible_article(request, slug)
    if article.translation_of_id is None:
        raise Http404("This article is not a translation.")
    with reading():  # the diff names the reader roles twice
        changes = translations.english_changes(article)
    return render(
        request,
        "review/english_changes.html",
        {"article": article, "original": article.translation_of, "changes": changes},
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Every translation this person may open: behind first, most recently fallen behind first."""
    _require_a_role(request)
    page = translations.translation_queue(
        selectors.articles_visible_to(request.user), page=request.GET.get("page")
    )
    return render(
        request,
        "review/translations.html",
        {"page": page, "links": page_links(request.GET, "page", page)},
    )
