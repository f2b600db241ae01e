"""The reader's side: ask a follow-up question, and the thank-you page. Thin views over services.

The form at the foot of every article page is the same for everyone (no CSRF token, no
timestamp: the page is cached and served as is). So intake goes in two steps. The article page's
form posts here; the reader is shown their question as it will be stored, with personal details
already removed, on a page of its own that carries a signed timestamp, and confirms it; only
then is it stored, and the reader redirected to the thank-you page.

Intake order on every POST: cross-site posts refused (by the browser's Origin and
Sec-Fetch-Site headers, see questions.origin), rate limit (every POST counts, in the shared
cache), the bot traps (a bot gets the same redirect as a person, and nothing is stored), then
validation, then the service.
"""

import logging
import math

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from articles.models import Article

from . import services
from .forms import QuestionForm, blank_question_form
from .origin import is_cross_site
from .scrubbing import scrub

logger = logging.getLogger(__name__)

RATE_LIMIT_GROUP = "questions.ask"
URGENT_COOKIE = "vetted_question_urgent"
_URGENT_SALT = "questions.urgent"
_URGENT_COOKIE_SECONDS = 600


def question_rate(group: str, request: HttpRequest) -> str:
    """How many questions one client address may send (django-ratelimit's rate syntax)."""
    return settings.VETTED_QUESTION_RATE


@csrf_exempt  # the page has no token to send; questions.origin refuses cross-site posts
@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.public(), slug=slug)
    if request.method != "POST":
        form = blank_question_form(request.GET.get("role", ""))
        return _ask_page(request, article, form)
    if is_cross_site(request):
        return render(request, "questions/cross_site.html", {"article": article}, status=403)

    usage = _count_attempt(request)
    if usage is not None and usage["should_limit"]:
        return _rate_limited(request, article, usage)

    form = QuestionForm(request.POST)
    if form.looks_automated():
        return _to_thanks(article)
    if not form.is_valid():
        if form.needs_confirmation():
            return _confirm_page(request, article, form)
        return _ask_page(request, article, form, status=400)
    data = form.cleaned_data
    question = services.receive_question(
        article=article,
        text=data["question"],
        name=data["name"],
        email=data["email"],
        reader_role=data["role"],
        consent=data["consent"],
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
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.public(), slug=slug)
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


def _count_attempt(request: HttpRequest) -> dict | None:
    try:
        return get_usage(
            request,
            group=RATE_LIMIT_GROUP,
            key="ip",
            rate=question_rate,
            method="POST",
            increment=True,
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
    response = render(
        request,
        "questions/rate_limited.html",
        {
            "article": article,
            "minutes": math.ceil(seconds / 60),
            "kept_text": request.POST.get("question", "")[:2000],
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def _confirm_page(request: HttpRequest, article: Article, form: QuestionForm) -> HttpResponse:
    """The reader's question as it will be stored, to confirm: the timed second step."""
    preview = scrub(form.cleaned_data["question"])
    return render(
        request,
        "questions/confirm.html",
        {"article": article, "form": form, "preview": preview.text},
    )


def _ask_page(request: HttpRequest, article: Article, form: QuestionForm, status: int = 200):
    return render(request, "questions/ask.html", {"article": article, "form": form}, status=status)


def _to_thanks(article: Article) -> HttpResponseRedirect:
    # 303: the browser fetches the thank-you page with GET, and a reload does not resend.
    response = HttpResponseRedirect(reverse("questions:thanks", kwargs={"slug": article.slug}))
    response.status_code = 303
    return response
