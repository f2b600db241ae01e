"""Writes of reader roles' content. Variant edits of an article go through review.services."""

import functools
import time
from http.cookies import Morsel

import reversion
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from accounts.models import User
from articles.models import Article
from articles.services import normalize_markdown, sync_citations, validate_body

from .models import ArticleVariant, ReaderRole
from .selectors import ROLE_COOKIE, ROLE_COOKIE_MAX_AGE


def save_variant(
    *, article: Article, role: ReaderRole, summary: str, body: str, by: User, comment: str
) -> ArticleVariant:
    """Save one role's version of an article as a new revision of the article."""
    body = normalize_markdown(body)
    validate_body(body)
    if len(summary) > 2000:
        raise ValidationError("The summary is longer than 2,000 characters.")
    with reversion.create_revision():  # atomic itself
        variant, _ = ArticleVariant.objects.update_or_create(
            article=article, role=role, defaults={"summary": summary.strip(), "body": body}
        )
        sync_citations(article=article)
        reversion.add_to_revision(article)  # follows citations and variants
        reversion.set_user(by)
        reversion.set_comment(comment or f"Edited the {role.label.lower()} version")
    return variant


def remove_variant(*, article: Article, role: ReaderRole, by: User, comment: str) -> None:
    """Drop one role's version; readers of that role get the fallback text."""
    with reversion.create_revision():  # atomic itself
        ArticleVariant.objects.filter(article=article, role=role).delete()
        sync_citations(article=article)
        reversion.add_to_revision(article)
        reversion.set_user(by)
        reversion.set_comment(comment or f"Removed the {role.label.lower()} version")


def remember_role(
    request: HttpRequest, response: HttpResponse, role: ReaderRole, *, signed_in: bool = True
) -> None:
    """Keep the reader's choice: a cookie, and their profile when they are signed in."""
    remember_role_cookie(request, response, role.slug)
    if not signed_in:
        return
    user = request.user
    if user.is_authenticated and user.preferred_reader_role != role.slug:
        user.preferred_reader_role = role.slug
        user.save(update_fields=["preferred_reader_role"])


def remember_role_cookie(request: HttpRequest, response: HttpResponse, role_slug: str) -> None:
    """The cookie that keeps a reader's choice of role. A response that sets it is the reader's
    own: no shared cache may keep it (it would hand the cookie to the next reader)."""
    # Every `?role=` link sets it (wrk, like a reader following links, sends none back), so the
    # cookie is built once a second for each role rather than once a request; each response
    # gets its own copy.
    response.cookies[ROLE_COOKIE] = _role_morsel(role_slug, secure=request.is_secure()).copy()
    response["Cache-Control"] = "private, no-cache"


class _KeptMorsel(Morsel):
    """A cookie whose Set-Cookie line is written once: a change to it writes it again."""

    _line: str | None = None

    def __setitem__(self, key, value) -> None:
        self._line = None
        super().__setitem__(key, value)

    def set(self, key, val, coded_val) -> None:
        self._line = None
        super().set(key, val, coded_val)

    def update(self, values=(), /, **kwargs) -> None:
        self._line = None
        super().update(values, **kwargs)

    def copy(self) -> "_KeptMorsel":
        twin = _KeptMorsel.__new__(_KeptMorsel)
        dict.update(twin, self)
        twin.__dict__.update(self.__dict__)
        return twin

    def OutputString(self, attrs=None) -> str:
        if attrs is not None:
            return super().OutputString(attrs)
        if self._line is None:
            self._line = super().OutputString()
        return self._line


@functools.lru_cache(maxsize=256)
def _role_morsel_of(role_slug: str, secure: bool, second: int) -> _KeptMorsel:
    # Django's own rules (max-age with its expires date, SameSite, HttpOnly, Secure), once.
    scratch = HttpResponse()
    scratch.set_cookie(
        ROLE_COOKIE, role_slug, max_age=ROLE_COOKIE_MAX_AGE, samesite="Lax", httponly=True,
        secure=secure,
    )  # fmt: skip
    kept = _KeptMorsel()
    kept.set(ROLE_COOKIE, *scratch.cookies.value_encode(role_slug))
    kept.update({key: value for key, value in scratch.cookies[ROLE_COOKIE].items() if value != ""})
    kept.OutputString()  # the line its copies share
    return kept


def _role_morsel(role_slug: str, *, secure: bool) -> _KeptMorsel:
    return _role_morsel_of(role_slug, secure, int(time.time()))
