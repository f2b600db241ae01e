"""Writes of reader roles' content. Variant edits of an article go through review.services."""

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
    response.set_cookie(
        ROLE_COOKIE, role_slug, max_age=ROLE_COOKIE_MAX_AGE, samesite="Lax", httponly=True,
        secure=request.is_secure(),
    )  # fmt: skip
    response["Cache-Control"] = "private, no-cache"
