"""The page store: anonymous readers' article pages, each kept under what it shows.

A page's key names the edition (or the withdrawal) it shows, the reader role, the language of
its address (`/es/…`: the same edition in the Spanish interface), the tracker step
of a provisional edition and the versions of its surroundings (publishing.selectors), all read
from the article's row on every request. So a page is never asked whether it is still current:
once an article is withdrawn or re-published, or a disclaimer changes, its old pages are simply
never looked up again, in this process or any other, whatever cache Django is given (the
default per-process memory included). Nothing is deleted and no signal keeps anything in step.

A page holds nothing per request (no CSRF token, no form timestamp: the question form's defences
work without them, see questions.views), so it is sent as it is, with a strong ETag.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery
from django.http import HttpRequest
from django.utils import translation

from articles.models import Disclaimer
from personalization.models import ReaderRole
from publishing.selectors import PublicPointer

PAGE_SECONDS = 24 * 3600
# How long the edge (Varnish, a CDN) keeps a page: it is purged by surrogate key when the
# publication log carries a publish or withdrawal to it. Browsers and other caches revalidate.
EDGE_SECONDS = 24 * 3600


def is_cacheable(request: HttpRequest) -> bool:
    return shares_pages(request.COOKIES)


def shares_pages(cookies: Mapping[str, str]) -> bool:
    """Only anonymous readers with nothing pending for them (a flash message) share pages.

    Judged by the cookies alone: asking `request.user` would load the session and make the
    response vary on the Cookie header even at an address that names the role."""
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


@dataclass(frozen=True)
class Page:
    """A rendered page, ready to send."""

    status: int
    body: bytes
    etag: str  # strong, quoted as HTTP wants: the same bytes for as long as the key stands
    surrogate_keys: str  # what the edge purges it by (publishing.surfaces.edge_keys)

    @classmethod
    def of(cls, status: int, html: str, key: str, surrogate_keys: str) -> "Page":
        body = html.encode()
        digest = hashlib.sha256(key.encode() + b"\0" + body).hexdigest()
        return cls(status, body, f'"{digest[:32]}"', surrogate_keys)


def _release() -> str:
    """A fingerprint of what renders pages besides the data: the templates, static files and
    translations (the catalogues' sources: their compiled files follow them) as deployed. A
    deploy that changes how pages look or read retires every stored page."""
    digest = hashlib.sha256()
    folders = ("templates", "static", "locale")
    for folder in (settings.BASE_DIR / name for name in folders):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix != ".mo":
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _release()


def page_key(pointer: PublicPointer, role_slug: str, language: str = "en") -> str:
    # "page4": the shape of Page and of the key (the language joined it). The release: a
    # deploy that changes templates, static files or translations. The site's address: a
    # page's absolute links (canonical, How to cite, JSON-LD) are written at that address, so a
    # move to another one must not serve old pages.
    return (
        f"vetted:page4:{RELEASE}:{settings.VETTED_SITE_URL}:{pointer.what}:{role_slug}:{language}"
    )


# Pages this process has served, by key. The key names what the page is, so a page found here
# is the page; this saves moving it over the network, never a check.
_pages_here: dict[str, Page] = {}
_PAGES_HERE_MAX = 512


def cached_page(pointer: PublicPointer, role_slug: str, language: str = "en") -> Page | None:
    """The page of this pointer for this role in this language, from this process or the
    shared cache."""
    key = page_key(pointer, role_slug, language)
    page = _pages_here.get(key)
    if page is None:
        page = cache.get(key)
        if page is None:
            return None
        _remember_here(key, page)
    return page


def _remember_here(key: str, page: Page) -> None:
    if len(_pages_here) >= _PAGES_HERE_MAX:
        _pages_here.clear()
    _pages_here[key] = page


def render_page(
    pointer: PublicPointer,
    role_slug: str,
    render: Callable[["Furniture"], tuple[int, str]],
    language: str = "en",
) -> Page:
    """Render the page this pointer names for this role in this language, and keep it; `render`
    may raise Http404."""
    frame = furniture(pointer.surroundings)
    status, html = render(frame)
    key = page_key(pointer, role_slug, language)
    page = Page.of(status, html, key, surrogate_keys(pointer, role_slug, frame))
    cache.set(key, page, PAGE_SECONDS)
    _remember_here(key, page)
    return page


def surrogate_keys(pointer: PublicPointer, role_slug: str, frame: "Furniture") -> str:
    """The keys the edge purges this page by: its article, its edition, its role, the audience
    whose disclaimer it shows, and every page."""
    # Not the language: a publish or withdrawal purges the article's pages in every language.
    if pointer.is_withdrawn:
        return f"article-{pointer.article_id} gone pages"
    role = next((r for r in frame.roles if r.slug == role_slug), None)
    audience = role.audience if role else Disclaimer.Audience.PROFESSIONAL
    return (
        f"article-{pointer.article_id} edition-{pointer.edition_id} "
        f"role-{role_slug or 'default'} audience-{audience} pages"
    )


@dataclass(frozen=True)
class DisclaimerText:
    title: str
    html: str
    language: str = "en"  # the language it is written in (the page marks it where it differs)


@dataclass(frozen=True)
class Furniture:
    """What every article page shows besides the article: the reader roles and the disclaimers,
    as of the surroundings' versions."""

    versions: tuple[int, ...]
    roles: list[ReaderRole]
    disclaimers: dict[str, DisclaimerText]  # audience → its disclaimer
    # audience → its Spanish disclaimer, where both its Spanish title and text are written
    disclaimers_es: dict[str, DisclaimerText] = field(default_factory=dict)

    @classmethod
    def load(cls, versions: tuple[int, ...]) -> "Furniture":
        """Both in one query: each role row carries every audience's disclaimer (its title and
        text: small, uncorrelated subqueries the database runs once)."""
        audiences = Disclaimer.Audience.values
        fields = {}
        texts = ("title", "body_html", "title_es", "body_es", "body_html_es")
        for audience in audiences:
            of = Disclaimer.objects.filter(audience=audience)
            for name in texts:
                fields[f"d_{audience}_{name}"] = Subquery(of.values(name)[:1])
        roles = list(ReaderRole.objects.annotate(**fields))
        if roles:
            found = {a: tuple(getattr(roles[0], f"d_{a}_{name}") for name in texts)
                     for a in audiences}  # fmt: skip
        else:  # no roles yet (a new site): the disclaimers alone
            found = {
                d.audience: tuple(getattr(d, name) for name in texts)
                for d in Disclaimer.objects.all()
            }
        disclaimers, disclaimers_es = {}, {}
        for audience, (title, html, title_es, body_es, html_es) in found.items():
            if title is not None:
                disclaimers[audience] = DisclaimerText(title, html or "")
            if title_es and body_es:  # as Disclaimer.text_for: both, or the English notice
                disclaimers_es[audience] = DisclaimerText(title_es, html_es or "", "es")
        return cls(versions=versions, roles=roles, disclaimers=disclaimers,
                   disclaimers_es=disclaimers_es)  # fmt: skip

    def disclaimer(self, audience: str) -> DisclaimerText | None:
        """The audience's disclaimer in the active language where it is written."""
        if translation.get_language() == "es" and audience in self.disclaimers_es:
            return self.disclaimers_es[audience]
        return self.disclaimers.get(audience)


_furniture_memo: Furniture | None = None


def furniture(versions: tuple[int, ...]) -> Furniture:
    """Kept in this process until the surroundings' versions move (publishing.services
    .change_surroundings: a role or a disclaimer was edited)."""
    global _furniture_memo
    memo = _furniture_memo
    if memo is None or memo.versions != versions:
        memo = _furniture_memo = Furniture.load(versions)
    return memo


def forget_pages_here() -> None:
    """Drop the pages this process keeps (tests, whose rolled-back ids come round again)."""
    _pages_here.clear()


def forget_furniture() -> None:
    """Drop this process's roles and disclaimers (benchmarks of a cold page, tests)."""
    global _furniture_memo
    _furniture_memo = None
