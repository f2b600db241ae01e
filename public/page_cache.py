"""Whole-page cache of the article page for anonymous readers: one edition, one role, one page.

A page is kept in the shared cache as an entry under (slug, role), recording the two random
tokens it was rendered under: the article's *generation* (replaced whenever its row is saved)
and the site *stamp* (replaced whenever disclaimers, roles, glossary, variants, references,
topics or shown users change). An entry is served only while both tokens are still current, so
a change makes every older page unreachable on every worker at once, and nothing needs deleting.
Tokens are replaced when the change is saved *and again once it commits* (public/apps.py): a
reader between the save and the commit files its page under the in-between token, which the
commit then retires.

The page holds nothing per request (no CSRF token, no form timestamp: the question form's
defences work without them, see questions.views), so one lookup of entry and tokens, in one
round trip to the cache, answers a reader (public.fast_path), with a strong ETag.
"""

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Subquery
from django.http import HttpRequest

from articles.models import Article, Disclaimer
from personalization.models import ReaderRole

from .baking import queue_bake

STAMP_KEY = "vetted:page-stamp"
PAGE_SECONDS = 3600


def is_cacheable(request: HttpRequest) -> bool:
    return shares_pages(request.COOKIES)


def shares_pages(cookies: Mapping[str, str]) -> bool:
    """Only anonymous readers with nothing pending for them (a flash message) share pages.

    Judged by the cookies alone: asking `request.user` would load the session and make the
    response vary on the Cookie header even at an address that names the role."""
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _token() -> str:
    # Random rather than a counter: after a cache flush a counter would restart and could match
    # a value a process still remembers (see `roles`).
    return secrets.token_hex(8)


def versions(slug: str) -> tuple[str, str]:
    """The site stamp and this article's generation, in one round trip to the cache.

    With the cache unreachable (its errors ignored, see config/settings) each call gets fresh
    tokens, so nothing is reused from a cache that cannot be told about changes.
    """
    keys = [STAMP_KEY, _generation_key(slug)]
    found = cache.get_many(keys)
    stamp, generation = (found.get(key) or cache.get_or_set(key, _token, None) for key in keys)
    return stamp, generation


def bump_stamp(**kwargs) -> None:
    """Every cached page is stale (connected to saves of what pages show beyond articles)."""
    _now_and_after_commit(lambda: cache.set(STAMP_KEY, _token(), None))
    queue_bake(None)


def forget_article(sender, instance: Article, **kwargs) -> None:
    """An article is being saved or deleted: its pages go, under its old slug too."""
    slugs = {instance.slug}
    if instance.pk:
        old = Article.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if old:
            slugs.add(old)
    _now_and_after_commit(
        lambda: cache.set_many({_generation_key(slug): _token() for slug in slugs}, None)
    )
    queue_bake(slugs)


def _now_and_after_commit(retire: Callable[[], None]) -> None:
    """Now, for reads later in this transaction; after the commit, for everyone else's reads.

    robust: the change is committed already; a cache that fails to hear of it is logged, not
    turned into an error for the person who made the change.
    """
    retire()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(retire, robust=True)


def _generation_key(slug: str) -> str:
    return f"vetted:article-generation:{slug}"


def article_row(slug: str) -> Article | None:
    return Article.objects.filter(slug=slug).select_related("public_edition").order_by().first()


@dataclass(frozen=True)
class Page:
    """A rendered page, ready to send, and the tokens it was rendered under."""

    status: int
    body: bytes
    stamp: str
    generation: str
    etag: str  # strong: the same bytes for as long as both tokens stand (quoted, as HTTP wants)

    @classmethod
    def of(cls, status: int, html: str, stamp: str, generation: str) -> "Page":
        body = html.encode()
        digest = hashlib.sha256(f"{stamp}:{generation}:".encode() + body).hexdigest()
        return cls(status, body, stamp, generation, f'"{digest[:32]}"')


def entry_key(slug: str, role_slug: str) -> str:
    # "page2": the shape of Page; a deploy that changes it must not read the old entries.
    return f"vetted:page2:{slug}:{role_slug}:{int(settings.VETTED_SHOW_UNAPPROVED)}"


# Pages this process has served, by entry key. A page is used only while both tokens, read from
# the shared cache on every request, are the ones it was rendered under; so this saves moving
# the page itself over the network, never a check.
_pages_here: dict[str, Page] = {}
_PAGES_HERE_MAX = 512


def cached_page(slug: str, role_slug: str, tokens: tuple[str, str] | None = None) -> Page | None:
    """The current page, or None: the tokens in one round trip (unless the caller has just read
    them, with `versions`), the page from this process when it has it, else in a second."""
    if tokens is None:
        found = cache.get_many([STAMP_KEY, _generation_key(slug)])
        tokens = (found.get(STAMP_KEY), found.get(_generation_key(slug)))
        if None in tokens:
            return None
    key = entry_key(slug, role_slug)
    page = _pages_here.get(key)
    if page is None or (page.stamp, page.generation) != tokens:
        page = cache.get(key)
        if page is None or (page.stamp, page.generation) != tokens:
            return None  # rendered before a change: never served again
        _remember_here(key, page)
    return page


def _remember_here(key: str, page: Page) -> None:
    if len(_pages_here) >= _PAGES_HERE_MAX:
        _pages_here.clear()
    _pages_here[key] = page


def render_page(
    slug: str,
    role_slug: str,
    tokens: tuple[str, str],
    render: Callable[["Furniture"], tuple[int, str]],
) -> Page:
    """Render the page under these tokens (from `versions`, read before anything the page shows)
    and keep it; `render` may raise Http404."""
    stamp, generation = tokens
    status, html = render(furniture(stamp))
    page = Page.of(status, html, stamp, generation)
    cache.set(entry_key(slug, role_slug), page, PAGE_SECONDS)
    return page


@dataclass(frozen=True)
class DisclaimerText:
    title: str
    html: str


@dataclass(frozen=True)
class Furniture:
    """What every article page shows besides the article: the reader roles and the disclaimers."""

    stamp: str
    roles: list[ReaderRole]
    disclaimers: dict[str, DisclaimerText]  # audience → its disclaimer

    @classmethod
    def load(cls, stamp: str) -> "Furniture":
        """Both in one query: each role row carries every audience's disclaimer (its title and
        text: small, uncorrelated subqueries the database runs once)."""
        audiences = Disclaimer.Audience.values
        fields = {}
        for audience in audiences:
            of = Disclaimer.objects.filter(audience=audience)
            fields[f"d_{audience}_title"] = Subquery(of.values("title")[:1])
            fields[f"d_{audience}_html"] = Subquery(of.values("body_html")[:1])
        roles = list(ReaderRole.objects.annotate(**fields))
        if roles:
            found = {a: (getattr(roles[0], f"d_{a}_title"), getattr(roles[0], f"d_{a}_html"))
                     for a in audiences}  # fmt: skip
        else:  # no roles yet (a new site): the disclaimers alone
            found = {d.audience: (d.title, d.body_html) for d in Disclaimer.objects.all()}
        disclaimers = {
            audience: DisclaimerText(title, html or "")
            for audience, (title, html) in found.items()
            if title is not None
        }
        return cls(stamp=stamp, roles=roles, disclaimers=disclaimers)

    def disclaimer(self, audience: str) -> DisclaimerText | None:
        return self.disclaimers.get(audience)


_furniture_memo: Furniture | None = None


def furniture(stamp: str) -> Furniture:
    """Kept in this process until the stamp moves (a role or disclaimer was edited)."""
    global _furniture_memo
    memo = _furniture_memo
    if memo is None or memo.stamp != stamp:
        memo = _furniture_memo = Furniture.load(stamp)
    return memo


def roles(stamp: str) -> list[ReaderRole]:
    """The reader roles, as of the stamp."""
    return furniture(stamp).roles


def forget_furniture() -> None:
    """Drop this process's roles and disclaimers (benchmarks of a cold page, tests)."""
    global _furniture_memo
    _furniture_memo = None
