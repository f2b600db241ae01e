"""Whole-page cache of the article page for anonymous readers.

A page is rendered once per version of what a reader would see (the article row's review and
content fields, the reader role, and a stamp bumped whenever disclaimers, roles, glossary,
variants or references change) and kept in the shared cache. The two values that must differ
per request, the CSRF token and the question form's signed start time, are rendered as slots
and filled in on the way out, so the cached HTML holds no secret of anyone's.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
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


def stamp() -> str:
    """A random value that changes whenever what pages show beyond the article row changes.

    Random rather than a counter: after a cache flush a counter would restart and could match
    a value a process still remembers (see `roles`).
    """
    value = cache.get(STAMP_KEY)
    if value is None:
        cache.add(STAMP_KEY, secrets.token_hex(8), None)
        value = cache.get(STAMP_KEY)
    return value


def bump_stamp(**kwargs) -> None:
    """Every cached page is stale now (connected to saves of what pages show beyond articles)."""
    cache.set(STAMP_KEY, secrets.token_hex(8), None)


def article_and_stamp(slug: str) -> tuple[Article | None, str]:
    """The article row by slug (cached until it is next saved, see public/apps.py) and the
    current stamp, in one round trip to the cache."""
    key = _article_key(slug)
    found = cache.get_many([key, STAMP_KEY])
    row, current = found.get(key), found.get(STAMP_KEY)
    if current is None:
        current = stamp()
    if row is None:
        row = Article.objects.filter(slug=slug).select_related("approved_by").order_by().first()
        if row is not None:
            cache.set(key, row, PAGE_SECONDS)
    return row, current


def forget_article(sender, instance: Article, **kwargs) -> None:
    """An article is being saved or deleted: its cached row goes, under its old slug too."""
    cache.delete(_article_key(instance.slug))
    if instance.pk:
        old = Article.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if old and old != instance.slug:
            cache.delete(_article_key(old))


def _article_key(slug: str) -> str:
    return f"vetted:article-row:{slug}"


def page_key(article: Article, role: ReaderRole | None, current_stamp: str) -> str:
    parts = (
        article.pk,
        article.state,
        article.live_revision_id,
        article.updated_at.timestamp(),
        article.approved_at.timestamp() if article.approved_at else "",
        role.slug if role else "",
        current_stamp,
        settings.VETTED_SHOW_UNAPPROVED,
    )
    return "vetted:page:" + ":".join(map(str, parts))


_roles_memo: tuple[str, list[ReaderRole]] | None = None


def roles(current_stamp: str) -> list[ReaderRole]:
    """The reader roles, kept in this process until the stamp moves (a role was edited)."""
    global _roles_memo
    if _roles_memo is None or _roles_memo[0] != current_stamp:
        _roles_memo = (current_stamp, list(ReaderRole.objects.all()))
    return _roles_memo[1]


def get(key: str) -> str | None:
    return cache.get(key)


def put(key: str, html: str) -> None:
    cache.set(key, html, PAGE_SECONDS)


def fill(html: str, request: HttpRequest) -> str:
    """The cached page with this request's CSRF token and form start time."""
    return html.replace(CSRF_SLOT, get_token(request)).replace(STARTED_SLOT, started_token())
