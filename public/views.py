"""Reader-facing pages. They compose the apps below through their selectors; no models here."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import InvalidPage
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.selectors import public_profile
from articles.models import (
    Article,
    Disclaimer,
    Edition,
    PublicTopicListing,
    ReviewState,
    Topic,
    TopicName,
    topic_name,
)
from articles.paging import ListPage, uncounted_page
from articles.selectors import reference_flags, search_articles
from config.site import site_url
from contributors.selectors import disclosures_of, editions_of
from personalization.editions import reader_from_edition
from personalization.selectors import role_from_request
from personalization.services import remember_role
from publishing.delivery import oldest_unapplied
from publishing.selectors import PublicPointer, edition_notices, public_pointer
from publishing.translations import lag_of
from questions.forms import article_page_fields
from review.checklist import ITEMS
from review.policy import published_rules
from review.workflow import MOVES, TRACKER_STEP_OF_STATE, TRACKER_STEPS

from . import page_cache, provenance
from .fast_path import page_response, reader_pointer
from .language import ENGLISH, article_alternates, reader_alternates
from .listing import newest_page, topic_ids

PER_PAGE = 20


@dataclass(frozen=True)
class TopicLink:
    name: TopicName  # in the page's language
    slug: str


@dataclass(frozen=True)
class ListedArticle:
    """An article as lists show it: the title and summary of the edition readers are shown."""

    article: Article
    title: str
    summary: str
    topics: tuple[TopicLink, ...] = ()
    language: str = ENGLISH  # the language its title and summary are written in


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    page = _page_of(Article.objects.public(), request)
    return render(
        request,
        "public/home.html",
        {"page": page, "articles": _listed(page), "alternates": reader_alternates(request)},
    )


@require_safe
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    shown = get_object_or_404(Topic, slug=slug)
    # Its articles as published (the topics their public editions name), along its listing.
    page = newest_page(
        Article.objects.public(), request.GET.get("page", 1), PER_PAGE, ids=topic_ids(shown)
    )
    return render(
        request,
        "public/topic.html",
        {"topic": shown, "shown_name": shown.name_for(translation.get_language()), "page": page,
         "articles": _listed(page), "alternates": reader_alternates(request)},
    )  # fmt: skip


def _page_of(articles, request: HttpRequest) -> ListPage:
    """One page of a public list, newest published first; a page that is not there is 404."""
    return newest_page(articles, request.GET.get("page", 1), PER_PAGE)


def _listed(articles) -> list[ListedArticle]:
    """The page's articles as a list names them: in a translated language, by the title and
    summary of their public translation where they have one (one query for the page), else by
    their English ones, marked as English."""
    articles = list(articles)
    language = translation.get_language()
    translated = {}
    if language != ENGLISH:
        translations = Article.objects.public(language).filter(
            translation_of__in=[a.pk for a in articles]
        )
        translated = {t.translation_of_id: t for t in translations.select_related("public_edition")}
    items = []
    for article in articles:  # the lists' articles are English originals (public())
        shown = translated.get(article.pk)
        edition = (shown or article).public_edition
        items.append(ListedArticle(article=article, title=edition.title, summary=edition.summary,
                                   language=shown.language if shown else ENGLISH))  # fmt: skip
    return _with_topics(items)


def _with_topics(items: list) -> list:
    """The list's items (ListedArticles, SearchHits) with their articles' topics as published
    (the topic lists they are on), named in the page's language and in its alphabetical order,
    for their links: one query for the whole page (plain rows: a list needs no Topic objects)."""
    language = translation.get_language()
    links = PublicTopicListing.objects.filter(article_id__in=[i.article.pk for i in items])
    rows = links.order_by("topic__name").values_list(
        "article_id", "topic__name", "topic__name_es", "topic__slug"
    )
    found: dict[int, list[TopicLink]] = {}
    for article_id, name, name_es, slug in rows:
        found.setdefault(article_id, []).append(
            TopicLink(topic_name(name, name_es, language), slug)
        )
    if language != ENGLISH:  # English stays in the database's order of the English names
        for links_of_one in found.values():
            links_of_one.sort(key=lambda link: link.name.sort_key)
    return [replace(item, topics=tuple(found.get(item.article.pk, ()))) for item in items]


@require_safe
def article_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The article for the reader's role (from ?role=, their cookie or profile)."""
    return _article_response(request, slug)


@require_safe
def article_for_role(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    """The article for one role at an address of its own, which any cache can key on."""
    return _article_response(request, slug, url_role=role)


def _article_response(request: HttpRequest, slug: str, url_role: str | None = None):
    language = translation.get_language() or settings.LANGUAGE_CODE
    pointer = getattr(request, "public_pointer", None) or reader_pointer(slug, language)
    if pointer is None:
        raise Http404("No article here.")
    furniture = page_cache.furniture(pointer.surroundings)
    roles = furniture.roles
    shared = page_cache.is_cacheable(request)  # an anonymous reader's page, the same for all
    if url_role is not None:
        role = next((r for r in roles if r.slug == url_role), None)
        if role is None:
            raise Http404("No such reader role.")
        chosen_now = False
    else:
        role, chosen_now = role_from_request(request, roles, signed_in=not shared)
    role_slug = role.slug if role else ""
    if shared:
        language = translation.get_language()
        page = page_cache.cached_page(pointer, role_slug, language) or page_cache.render_page(
            pointer,
            role_slug,
            lambda furniture: anonymous_page(pointer, role_slug, furniture, language=language),
            language=language,
        )
        response = page_response(request, page, vary_on_cookie=url_role is None)
    else:
        response = _signed_in_page(request, pointer, role, furniture)
    if chosen_now and response.status_code in (200, 304):
        remember_role(request, response, role, signed_in=not shared)
    return response


def _signed_in_page(request: HttpRequest, pointer: PublicPointer, role, furniture) -> HttpResponse:
    status, template, context = _page(pointer, role, furniture)
    response = render(request, template, context, status=status)
    # Their own page (the header names them): no shared cache keeps it.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def shown_by(pointer: PublicPointer) -> tuple[Article, Edition | None]:
    """The article and the edition the pointer names (not whatever the row says by now: the
    page is kept under the pointer's key, so it must show exactly that)."""
    if pointer.is_withdrawn or pointer.edition_id is None:
        return Article.objects.only(*SHOWN_ARTICLE_FIELDS).get(pk=pointer.article_id), None
    edition = Edition.objects.select_related("article").get(pk=pointer.edition_id)
    return edition.article, edition


# What the page of a withdrawn article reads of its row.
SHOWN_ARTICLE_FIELDS = ("slug", "title", "state", "withdrawn_at", "withdrawal_reason")


def anonymous_page(
    pointer: PublicPointer,
    role_slug: str,
    furniture,
    shown: tuple | None = None,
    *,
    language: str = ENGLISH,
) -> tuple[int, str]:
    """The page every anonymous reader of this role gets in this language (and the baked site
    holds): nothing in it differs per request. `shown`: the article and edition, when the
    caller (baking every role's page) has read them already."""
    role = next((r for r in furniture.roles if r.slug == role_slug), None)
    with translation.override(language):  # whatever language the caller's thread has active
        status, template, context = _page(pointer, role, furniture, shown)
        anonymous = {"user": AnonymousUser(), "messages": ()}
        # The switcher leads back to this page: the address every reader of this role shares.
        if role is not None:
            here = reverse("public:article_for_role", args=[context["article"].slug, role.slug])
        else:
            here = context["article"].get_absolute_url()
        return status, render_to_string(template, context | anonymous | {"page_path": here})


def _page(pointer: PublicPointer, role, furniture, shown: tuple | None = None):
    """The status, template and context of the page the pointer names, for this role."""
    article, edition = shown or shown_by(pointer)
    if pointer.is_withdrawn:
        return 410, "public/withdrawn.html", {"article": article}
    context = _article_context(article, role, furniture, edition=edition, state=pointer.state)
    # A translation says when its original has moved on (its key moves with the original's
    # publication: publishing.services.publish).
    lag = context["lag"] = lag_of(edition) if article.translation_of_id else None
    if lag is not None and lag.awaiting_review:  # the original's tracker, as its page shows it
        step = TRACKER_STEP_OF_STATE[lag.original_state]
        context["tracker"] = [(state, label, state == step) for state, label in TRACKER_STEPS]
    context["alternates"] = article_alternates(pointer)
    return 200, "public/article.html", in_language(context, translation.get_language())


def _article_context(article, role, furniture, *, edition: Edition, state: str) -> dict:
    """The page of one edition, as it was published; `state` is the review state the tracker
    shows for a provisional edition."""
    approved = edition.is_approved
    # An article that was approved once shows its approved text and the Approved step, even
    # while a revision of it is back in review.
    step = ReviewState.APPROVED if approved else TRACKER_STEP_OF_STATE[state]
    roles = furniture.roles
    reader = reader_from_edition(edition, role, roles)
    disclaimer = furniture.disclaimer(role.audience if role else Disclaimer.Audience.PROFESSIONAL)
    # No timestamp in the form: the page is the same for everyone (questions.views asks the
    # reader to confirm, on a page of its own, before anything is stored).
    question_fields = article_page_fields(
        role.slug if role else "",
        tuple((r.slug, r.label) for r in roles),
        translation.get_language(),
    )
    today = timezone.localdate()
    references = reader.content.references
    flags = reference_flags(ref.key for ref in references)  # live: the page's key follows them
    return {
        "article": article,
        "edition": edition,
        "cited": [(ref, flags.get(ref.key, "")) for ref in references],
        "overdue": edition.is_approved and edition.is_overdue(today),
        "json_ld": provenance.json_ld(
            provenance.medical_web_page(article, edition, reader.content.references, role)
        ),
        "cite_url": provenance.permalink(article, edition) if edition.is_approved else "",
        # Every role's address (?role=, /for/<role>/) names the article's own as canonical.
        "canonical_url": site_url(article.get_absolute_url()),
        "change_log": _change_log(edition),
        "notices": edition_notices(edition) if approved else [],
        "reader": reader,
        "content": reader.content,
        "roles": roles,
        "approved": approved,
        "tracker": [(state, label, state == step) for state, label in TRACKER_STEPS],
        "disclaimer": disclaimer,
        "question_fields": question_fields,
    }


def in_language(context: dict, language: str) -> dict:
    """An article page's context for a reader of `language`. Until the article's text in that
    language is published, the page shows the English edition, marked as English for browsers
    and screen readers (`content_language`), with a notice that it is not yet translated."""
    if language == ENGLISH or context["article"].language == language:
        return context
    return context | {"content_language": ENGLISH, "not_translated": True}


def disclaimer_fragment(furniture, audience: str) -> str:
    """The disclaimer part of every page read by `audience`, as article.html renders it."""
    context = {"disclaimer": furniture.disclaimer(audience)}
    return render_to_string("public/includes/disclaimer.html", context).rstrip("\n")


def _change_log(edition: Edition) -> list[dict]:
    """The edition's change log, newest first, with its dates read back as dates."""
    return [
        {
            **entry,
            "published_at": datetime.fromisoformat(entry["published_at"]),
            "withdrawn_at": _when(entry.get("withdrawn_at")),
        }
        for entry in reversed(edition.change_log)
    ]


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@require_safe
def edition_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """An approved edition, for good: its permalink, with a notice pointing to the current one."""
    # A Spanish reader's edition N is the Spanish translation's (at its original's address),
    # else, for an article not translated, the original's (marked as English).
    language = translation.get_language() or settings.LANGUAGE_CODE
    editions = Edition.objects.approved().select_related("article__public_edition")
    edition = None
    if language != settings.LANGUAGE_CODE:
        edition = editions.filter(
            article__translation_of__slug=slug, article__language=language, number=number
        ).first()
    if edition is None:
        edition = get_object_or_404(
            editions, article__slug=slug, article__language=settings.LANGUAGE_CODE, number=number
        )
    article = edition.article
    if article.is_withdrawn:
        response = render(request, "public/withdrawn.html", {"article": article}, status=410)
    else:
        furniture = page_cache.furniture(public_pointer(article.slug).surroundings)
        role, _ = role_from_request(request, furniture.roles)
        context = _article_context(article, role, furniture, edition=edition, state=article.state)
        context["current"] = article.public_edition if article.is_public else None
        if context["current"] is not None and context["current"].is_approved:
            # A reader of an older edition is told of every correction since, as on the article.
            context["notices"] = edition_notices(context["current"])
        context["permalink"] = True
        context["canonical_url"] = provenance.permalink(article, edition)
        context = in_language(context, translation.get_language())
        response = render(request, "public/article.html", context)
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    context = {"query": query, "alternates": reader_alternates(request)}
    if query:
        try:
            found = search_articles(
                query, page=request.GET.get("page", 1), language=translation.get_language()
            )
        except InvalidPage as exc:
            raise Http404("No such page of results.") from exc
        context |= {
            "page": found.page,
            "results": _with_topics(found.page.object_list),  # SearchHits: + snippet
            "more_than_counted": found.more_than_counted,
        }
    return render(request, "public/search.html", context)


@require_safe
def editorial_policy(request: HttpRequest) -> HttpResponse:
    # The policy's own text in the reader's language when there is one, else the English.
    language = translation.get_language()
    templates = ["public/editorial_policy.html"]
    if language != ENGLISH:
        templates.insert(0, f"public/editorial_policy_{language}.html")
    return render(
        request,
        templates,
        {
            "moves": MOVES.values(),
            "sign_off_rules": published_rules(),
            "checklist": ITEMS,
            "alternates": reader_alternates(request),
        },
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks,
         "publication_log": _publication_lag()},
        status=200 if healthy else 503,
    )  # fmt: skip


def _publication_lag() -> dict:
    """How far the surfaces (baked files, edge) are behind the publication log: the age of the
    oldest entry not yet applied to every one. Reported, not a failure: readers of the Django
    path see every act at once."""
    try:
        oldest = oldest_unapplied()
    except Exception as exc:
        return {"error": type(exc).__name__}
    if oldest is None:
        return {"oldest_unapplied": None, "oldest_unapplied_seconds": 0}
    age = (timezone.now() - oldest).total_seconds()
    return {"oldest_unapplied": oldest.isoformat(), "oldest_unapplied_seconds": round(age, 1)}


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # a health check reports failures, it does not raise them
        return f"error: {type(exc).__name__}"


def _check_cache() -> str:
    try:
        cache.set("vetted:healthz", "1", 10)
        return "ok" if cache.get("vetted:healthz") == "1" else "error: cache did not keep a value"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


CONTRIBUTIONS_PER_PAGE = 20


@require_safe
def contributor(request: HttpRequest, slug: str) -> HttpResponse:
    """An author's or reviewer's public page: credentials, disclosures, what they published."""
    profile = public_profile(slug)
    if profile is None:
        raise Http404("No contributor here.")
    person = profile.user
    # Not counted: a busy author's count read every edition they are credited on.
    editions = uncounted_page(
        editions_of(person), request.GET.get("page", 1), CONTRIBUTIONS_PER_PAGE
    )
    return render(
        request,
        "public/contributor.html",
        {
            "profile": profile,
            "person": person,
            "disclosures": disclosures_of(profile, today=timezone.localdate()),
            "editions": editions,
            "alternates": reader_alternates(request),
        },
    )
