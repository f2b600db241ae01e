"""Whole-page cache of the article page for anonymous readers.

A page is kept in the shared cache under a key made of two random tokens: the article's
*generation* (replaced whenever its row is saved) and the site *stamp* (replaced whenever
disclaimers, roles, glossary, variants, references, topics or shown users change). Nothing is
ever deleted to invalidate: a change replaces a token, so every page rendered before it becomes
unreachable, on every worker at once. Tokens are replaced when the change is saved *and again
once it commits* (public/apps.py): a reader between the save and the commit reads the old rows
and files its page under the in-between token, which the commit then retires.

The two values that must differ per request, the CSRF token and the question form's signed
start time, are rendered as slots and filled in on the way out, so the cached HTML holds no
secret of anyone's.
"""

import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token

from articles.models import Article
from personalization.models import ReaderRole
from questions.forms import started_token

CSRF_SLOT = "vetted-slot-csrf-9d41c2"
STARTED_SLOT = "vetted-slot-started-9d41c2"
STAMP_KEY = "vetted:page-stamp"
PAGE_SECONDS = 3600


def is_cacheable(request: HttpRequest) -> bool:
    """Only anonymous readers with nothing pending for them (a flash message) share pages."""
    return not request.user.is_authenticated and "messages" not in request.COOKIES


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


def page_key(slug: str, generation: str, role: ReaderRole | None, stamp: str) -> str:
    parts = (slug, generation, role.slug if role else "", stamp, settings.VETTED_SHOW_UNAPPROVED)
    return "vetted:page:" + ":".join(map(str, parts))


_roles_memo: tuple[str, list[ReaderRole]] | None = None


def roles(stamp: str) -> list[ReaderRole]:
    """The reader roles, kept in this process until the stamp moves (a role was edited)."""
    global _roles_memo
    memo = _roles_memo
    if memo is None or memo[0] != stamp:
        memo = _roles_memo = (stamp, list(ReaderRole.objects.all()))
    return memo[1]


def page(key: str, render: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """The (status, HTML) cached under key, rendered now if missing; `render` may raise Http404
    (nothing is cached then)."""
    return cache.get_or_set(key, render, PAGE_SECONDS)


def fill(html: str, request: HttpRequest) -> str:
    """The cached page with this request's CSRF token and form start time."""
    return html.replace(CSRF_SLOT, get_token(request)).replace(STARTED_SLOT, started_token())
