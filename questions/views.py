"""The reader's side: ask a follow-up question, and the thank-you page. Thin views over services.

The form at the foot of every article page is the same for everyone (no CSRF token, no
timestamp: the page is cached and served as is). So intake goes in two steps. The article page's
form posts here; the reader is shown their question as it will be stored, with personal details
already removed, on a check page of its own that carries a signed start time, and sends it from
there; only then is it stored, and the reader redirected to the thank-you page.

The start time is the reader's first keystroke on the article page when questions.js could
fetch it (`started_now`), else the moment the check page was made: the minimum fill time counts
the time spent typing, not the one click left on the check page. A send that comes sooner than
a person could is doubtful: the check page is shown again, with the words kept and a message,
never a thank-you for a question we did not keep.

Intake order on every POST: cross-site posts refused (by the browser's Origin and
Sec-Fetch-Site headers, see questions.origin), a reader already at the rate limit refused (the
limit counts questions sent, in the shared cache: not the check step, not a form sent back with
a mistake), the bot trap (a bot gets the same redirect as a person, and nothing is stored), then
validation, the check page, the minimum time, and the service.
"""

import logging
import math

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from articles.models import Article

from . import services
from .forms import QuestionForm, blank_question_form, check_page_form, started_token
from .origin import is_cross_site
from .scrubbing import scrub
from .urgency import urgent_reasons

logger = logging.getLogger(__name__)

RATE_LIMIT_GROUP = "questions.ask"
URGENT_COOKIE = "vetted_question_urgent"
_URGENT_SALT = "questions.urgent"
_URGENT_COOKIE_SECONDS = 600


def question_rate(group: str, request: HttpRequest) -> str:
    """How many questions one client address may send (django-ratelimit's rate syntax)."""
    return settings.VETTED_QUESTION_RATE


def _asked_about(slug: str) -> Article:
    """The article a reader asks about at their language's address: at /es/, the Spanish
    translation when one is public, else the original (the page they read)."""
    public = Article.objects.public(language=None)
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE:
        translated = public.filter(translation_of__slug=slug, language=language).first()
        if translated is not None:
            return translated
    return get_object_or_404(public, slug=slug, language=settings.LANGUAGE_CODE)


@csrf_exempt  # the page has no token to send; questions.origin refuses cross-site posts
@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    article = _asked_about(slug)
    if request.method != "POST":
        form = blank_question_form(request.GET.get("role", ""))
        return _ask_page(request, article, form)
    if is_cross_site(request):
        return render(request, "questions/cross_site.html", {"article": article}, status=403)

    usage = _question_usage(request, count_this_one=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        return _rate_limited(request, article, usage)

    form = QuestionForm(request.POST)
    if form.filled_trap():
        _question_usage(request, count_this_one=True)
        return _to_thanks(article)
    if not form.is_valid():
        return _ask_page(request, article, form, status=400)
    if form.wants_original():
        return _check_page(request, article, form, box=form.cleaned_data["original"])
    if form.from_article_page:
        return _check_page(request, article, form)
    if form.sent_too_fast():
        return _check_page(request, article, form, asked_again=True)

    usage = _question_usage(request, count_this_one=True)
    if usage is not None and usage["should_limit"]:  # another tab sent the last one meanwhile
        return _rate_limited(request, article, usage)
    return _receive(request, article, form.cleaned_data)


def _receive(request: HttpRequest, article: Article, data: dict) -> HttpResponse:
    question = services.receive_question(
        article=article,
        text=data["question"],
        name=data["name"],
        email=data["email"],
        reader_role=data["role"],
        consent=data["consent"],
        language=request.LANGUAGE_CODE,
    )
    response = _to_thanks(article)
    if question.urgent:
        # A short-lived signed cookie, not a query string: "this looked urgent" stays out of
        # URLs and access logs.
        response.set_signed_cookie(
            URGENT_COOKIE,
            "1",
            salt=_URGENT_SALT,
            max_age=_URGENT_COOKIE_SECONDS,
            path=response["Location"],
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


@never_cache
@require_GET
def started_now(request: HttpRequest) -> JsonResponse:
    """A signed note of this moment, which questions.js puts in the article page's form when
    the reader starts typing: that page is shared, so it cannot carry one of its own."""
    return JsonResponse({"started": started_token()})


@never_cache
@require_GET
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    article = _asked_about(slug)
    urgent = (
        request.get_signed_cookie(
            URGENT_COOKIE, default=None, salt=_URGENT_SALT, max_age=_URGENT_COOKIE_SECONDS
        )
        == "1"
    )
    response = render(request, "questions/thanks.html", {"article": article, "urgent": urgent})
    if URGENT_COOKIE in request.COOKIES:
        response.delete_cookie(URGENT_COOKIE, path=request.path)
    return response


def _question_usage(request: HttpRequest, *, count_this_one: bool) -> dict | None:
    """How many questions this client address has sent in the window; counting this one too
    when it is being sent (stored, or a bot's, which is answered as if it were)."""
    try:
        return get_usage(
            request,
            group=RATE_LIMIT_GROUP,
            key="ip",
            rate=question_rate,
            method="POST",
            increment=count_this_one,
        )
    except ImproperlyConfigured:
        raise
    except Exception:
        # The cache is down: let the reader through (the bot traps still apply) rather than
        # turn every question away.
        logger.warning("Rate limit unavailable; accepting the question unthrottled.", exc_info=True)
        return None


def _rate_limited(request: HttpRequest, article: Article, usage: dict) -> HttpResponse:
    seconds = max(usage["time_left"], 1)
    kept_text = request.POST.get("question", "")[:2000]
    response = render(
        request,
        "questions/rate_limited.html",
        {
            "article": article,
            "minutes": math.ceil(seconds / 60),
            "kept_text": kept_text,
            "urgent": bool(urgent_reasons(kept_text)),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def _check_page(
    request: HttpRequest,
    article: Article,
    form: QuestionForm,
    *,
    box: str | None = None,
    asked_again: bool = False,
) -> HttpResponse:
    """The reader's question as it will be stored, to send: the timed second step. The box
    holds the scrubbed text, or the reader's original words when they chose to edit those."""
    text = form.cleaned_data["question"]
    preview = scrub(text if box is None else box)
    typed = form.cleaned_data.get("original") or text
    return render(
        request,
        "questions/confirm.html",
        {
            "article": article,
            "form": check_page_form(form, box=preview.text if box is None else box),
            "preview": preview.text,
            "removed": preview.found,
            "editing_original": box is not None,
            "asked_again": asked_again,
            "urgent": bool(urgent_reasons(typed)),
        },
    )


def _ask_page(request: HttpRequest, article: Article, form: QuestionForm, status: int = 200):
    typed = form.data.get("question", "") if form.is_bound else ""
    return render(
        request,
        "questions/ask.html",
        {"article": article, "form": form, "urgent": bool(urgent_reasons(typed))},
        status=status,
    )


def _to_thanks(article: Article) -> HttpResponseRedirect:
    # 303: the browser fetches the thank-you page with GET, and a reload does not resend.
    response = HttpResponseRedirect(
        reverse("questions:thanks", kwargs={"slug": article.public_slug})
    )
    response.status_code = 303
    return response
