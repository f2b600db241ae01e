"""The reader's language: named by the address (`/es/…`; English keeps the unprefixed ones),
remembered in a cookie (and on a signed-in reader's profile), chosen with the switcher.

The address decides, so a page is the same for everyone who opens it (the page store, the
edge and the baked site key on the address). The cookie only sends a reader who chose Spanish
from an unprefixed reader page to its `/es/` counterpart, as the role cookie picks a version.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from articles.models import translated_url
from config.site import site_url
from publishing.selectors import PublicPointer

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
ENGLISH = settings.LANGUAGE_CODE
# The other languages' address prefixes ("/es/"): a request pays one startswith to be told.
PREFIXES = tuple(f"/{code}/" for code, _ in settings.LANGUAGES if code != ENGLISH)
# And the bare prefixes ("/es"), which Django's APPEND_SLASH then sends to "/es/".
BARE_PREFIXES = {prefix.rstrip("/") for prefix in PREFIXES}
# The URL namespaces of the reader's pages: those with an /es/ counterpart (config/urls.py).
READER_NAMESPACES = {"public", "questions"}
# The pages without a Spanish address that are shown in the chosen language: the sign-in and
# account pages, and the review desk (its own people's choice; nothing shared keeps its pages).
FOLLOW_THE_CHOICE = ("/accounts/", "/review/")


def language_of_path(path: str) -> str:
    """The language an address is in: its prefix, or English."""
    if path.startswith(PREFIXES) or path in BARE_PREFIXES:
        return path.split("/", 2)[1]
    return ENGLISH


def is_language(code: str | None) -> bool:
    return code in dict(settings.LANGUAGES)


def chosen_language(request: HttpRequest) -> str:
    """What the reader chose with the switcher: their cookie, else their profile, else English.
    An unknown or tampered cookie counts as no choice."""
    remembered = request.COOKIES.get(LANGUAGE_COOKIE)
    if is_language(remembered):
        return remembered
    # Only with a session: asking an anonymous reader's `request.user` would read the session
    # and make every page vary on the Cookie header.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_language(user.preferred_language):
            return user.preferred_language
    return ENGLISH


def is_reader_path(path: str) -> bool:
    """An address of the reader's pages (public.urls, questions.urls): the ones with an `/es/`
    counterpart."""
    return _reader_match(path) is not None


def _reader_match(path: str):
    """The reader page the path resolves to, read in the path's own language (the active one
    may be any: a thread's previous request left it)."""
    with translation.override(language_of_path(path)):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    return match if match.namespace in READER_NAMESPACES else None


def counterpart(path: str, language: str) -> str | None:
    """The same reader page in `language` (`/articles/x/` ↔ `/es/articles/x/`), or None when
    the path is not a reader page."""
    match = _reader_match(path)
    if match is None:
        return None
    with translation.override(language):
        return reverse(match.view_name, args=match.args, kwargs=match.kwargs)


class ReaderLanguageMiddleware:
    """Activates the address's language for the request; sends a reader whose choice is
    Spanish from an unprefixed reader page to its Spanish one. After the authentication
    middleware: a signed-in reader's profile remembers their choice too.

    The sign-in and password pages and the review desk follow the person's choice (they have no
    Spanish address of their own, and nothing shared keeps them). Everything else without a
    Spanish address stays English: feeds, sitemaps and the API are rendered once for everyone
    (their links must not depend on who asked first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        language = language_of_path(path)
        if language == ENGLISH:
            chosen = chosen_language(request)
            if chosen != ENGLISH:
                if path.startswith(FOLLOW_THE_CHOICE):
                    language = chosen
                elif request.method in ("GET", "HEAD") and is_reader_path(path):
                    return _to_counterpart(request, chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)


def _back_to_english(**kwargs) -> None:
    """A finished request leaves no language behind for what the thread does next outside a
    request (a task run eagerly, a page baked): they render in English unless they say."""
    translation.deactivate()


request_finished.connect(_back_to_english, dispatch_uid="public.language.back_to_english")


def _to_counterpart(request: HttpRequest, language: str) -> HttpResponse:
    target = counterpart(request.path_info, language) or request.path_info
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponseRedirect(f"{target}?{query}" if query else target)
    # The reader's own redirect: the same address answers others with the English page.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language: "English", "Español"
    url: str
    current: bool


def switcher_links(path: str, current: str) -> list[LanguageLink]:
    """The switcher's links: each language's choice, back to this page in it."""
    return [
        LanguageLink(
            code=code,
            name=name,
            url=f"{reverse('choose_language', args=[code])}?next={quote(path)}",
            current=code == current,
        )
        for code, name in settings.LANGUAGES
    ]


@require_safe
def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    """The switcher's choice: remembered, then back to the page the reader was on, in that
    language. A link, like the role links (`?role=`): it changes nothing but the reader's own
    cookie (and profile), so it needs no form and no CSRF token on the shared pages."""
    if not is_language(code):
        code = ENGLISH
    back = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    path, _, query = back.partition("?")
    target = counterpart(path, code) or path
    response = HttpResponseRedirect(f"{target}?{query}" if query else target)
    response["Cache-Control"] = "private, no-cache"
    remember_language(request, response, code)
    return response


def remember_language(request: HttpRequest, response: HttpResponse, code: str) -> None:
    """Keep the reader's choice: a cookie (English, the default, clears it), and their profile
    when they are signed in."""
    if code == ENGLISH:
        response.delete_cookie(LANGUAGE_COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.preferred_language != code:
        user.preferred_language = code
        user.save(update_fields=["preferred_language"])


@dataclass(frozen=True)
class Alternate:
    """A `<link rel="alternate" hreflang=…>`: the same page in another language, for search
    engines (and the sitemap's `xhtml:link`). `x-default` is the English page."""

    hreflang: str
    url: str  # absolute, at the site's address


X_DEFAULT = "x-default"


def alternates_of(paths: dict[str, str]) -> list[Alternate]:
    """Each language's address of one page (`{"en": "/x/", "es": "/es/x/"}`), absolute, with the
    English as x-default; none for a page in one language only (an alternate names another)."""
    if len(paths) < 2 or ENGLISH not in paths:
        return []
    links = [Alternate(code, site_url(path)) for code, path in paths.items()]
    return [*links, Alternate(X_DEFAULT, site_url(paths[ENGLISH]))]


def reader_alternates(request: HttpRequest) -> list[Alternate]:
    """This reader page in every language (the home page, search, a topic, the editorial
    policy, a contributor): each has an address in each, with the same query."""
    query = request.META.get("QUERY_STRING", "")
    paths = {}
    for code, _ in settings.LANGUAGES:
        path = counterpart(request.path_info, code)
        if path is None:
            return []
        paths[code] = f"{path}?{query}" if query else path
    return alternates_of(paths)


def article_alternates(pointer: PublicPointer) -> list[Alternate]:
    """An article page's alternates: an English original's names its public translations (the
    pointer says which: its key moves when one is published or withdrawn); a translation's
    names its original. None while withdrawn, or with no public translation (the Spanish
    address then shows the English text, and names the English page as canonical)."""
    if pointer.is_withdrawn:
        return []
    if pointer.language == ENGLISH:
        english_slug, languages = pointer.slug, pointer.translated
    else:
        english_slug = pointer.slug.removesuffix(f"-{pointer.language}")
        languages = (pointer.language,)
    if not languages:
        return []
    with translation.override(ENGLISH):
        english = reverse("public:article", kwargs={"slug": english_slug})
    paths = {ENGLISH: english} | {code: translated_url(english_slug, code) for code in languages}
    return alternates_of(paths)
