"""What a reader sees: the version written for their role, its fallback, or the default text."""

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation

from articles.memo import read_once
from articles.models import Article
from articles.selectors import (
    ArticleContent,
    ArticleText,
    VersionText,
    content_of,
    revision_source,
    revision_versions,
    working_source,
)

from .glossary import Term, annotate
from .models import ArticleVariant, GlossaryTerm, ReaderRole
from .readability import ReadingGrade, reading_grade

ROLE_COOKIE = "vetted_role"
ROLE_COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class ReaderContent:
    content: ArticleContent
    role: ReaderRole | None  # who the reader said they are
    written_for: ReaderRole | None  # whose version they are reading (None: the default text)

    @property
    def fell_back(self) -> bool:
        return self.role is not None and self.written_for != self.role


def role_from_request(
    request: HttpRequest, roles: list[ReaderRole], *, signed_in: bool = True
) -> tuple[ReaderRole | None, bool]:
    """The reader's role from ?role=, their cookie, or their profile; and whether ?role= chose it.

    An unknown or tampered value is ignored (never echoed): the reader gets the default text.
    """
    by_slug = {role.slug: role for role in roles}
    asked = request.GET.get("role")
    if asked is not None and asked in by_slug:
        return by_slug[asked], True
    remembered = request.COOKIES.get(ROLE_COOKIE)
    if remembered in by_slug:
        return by_slug[remembered], False
    user = getattr(request, "user", None) if signed_in else None
    if user is not None and user.is_authenticated and user.preferred_reader_role in by_slug:
        return by_slug[user.preferred_reader_role], False
    return None, False


def fallback_chain(role: ReaderRole | None, roles: list[ReaderRole]) -> list[ReaderRole]:
    """The role, then the roles it falls back to, in order, without cycles."""
    by_pk = {r.pk: r for r in roles}
    chain: list[ReaderRole] = []
    while role is not None and role not in chain:
        chain.append(role)
        role = by_pk.get(role.fallback_id)
    return chain


@read_once
def variant_texts(article: Article, revision_id: int | None = None) -> dict[int, VersionText]:
    """Role id → the article's reader versions, now or as a revision saved them."""
    if revision_id is None:
        return {
            v.role_id: VersionText(summary=v.summary, body=v.body)
            for v in ArticleVariant.objects.filter(article=article)
        }

    def saved() -> dict[int, VersionText]:
        return {
            fields["role_id"]: VersionText(summary=fields["summary"], body=fields["body"])
            for fields in (v.field_dict for v in revision_versions(revision_id, ArticleVariant))
            if fields["article_id"] == article.pk
        }

    return cache.get_or_set(
        f"vetted:revision-variants:2:{article.pk}:{revision_id}",
        saved,
        settings.VETTED_RENDER_CACHE_SECONDS,
    )


def approval_fingerprint(article: Article, revision_id: int) -> str:
    """SHA-256 of everything readers can be shown from this revision: every variant included."""
    source = revision_source(article, revision_id)
    parts = [content_of(source).sha256]
    for role_id, version in sorted(variant_texts(article, revision_id).items()):
        parts.append(f"{role_id}:{content_of(source, version).sha256}")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def variant_grades(
    article: Article,
) -> list[tuple[ReaderRole | None, ReadingGrade | None, float | None]]:
    """Each text's reading grade next to its role's target, for reviewers (default text first)."""
    roles = {r.pk: r for r in reader_roles()}
    rows = [(None, reading_grade(article.body), None)]
    for role_id, version in variant_texts(article).items():
        role = roles[role_id]
        rows.append((role, reading_grade(version.body), float(role.target_grade)))
    return rows


def glossary_terms(language: str = "en") -> list[Term]:
    """The terms explained in a text of `language` (in Spanish, the entries with Spanish)."""
    return GlossaryTerm.objects.all().terms_for(language)


def with_glossary(content: ArticleContent, language: str = "en") -> ArticleContent:
    terms = glossary_terms(language)
    digest = hashlib.sha256(
        json.dumps([content.body_html, language, [vars(t) for t in terms]], default=list).encode()
    ).hexdigest()
    html = cache.get_or_set(
        # ":2": explanations placed after quotation marks, and none where the writer explains.
        f"vetted:glossary:2:{digest}",
        lambda: annotate(content.body_html, terms, language),
        settings.VETTED_RENDER_CACHE_SECONDS,
    )
    return dataclasses.replace(content, body_html=html)


def with_variants(
    source: ArticleText, article: Article, revision_id: int | None = None
) -> ArticleText:
    """An article's text with the reader versions of the same moment, for diffs."""
    return source.replace(variants=_named(variant_texts(article, revision_id)))


def working_variant_source(article: Article) -> ArticleText:
    return with_variants(working_source(article), article)


def revision_variant_source(article: Article, revision_id: int) -> ArticleText:
    return with_variants(revision_source(article, revision_id), article, revision_id)


@read_once
def reader_roles() -> list[ReaderRole]:
    """Every reader role, in the order readers are offered them: a handful of rows, which a
    review page asks for in several panels."""
    return list(ReaderRole.objects.all())


def _named(texts: dict[int, VersionText]) -> dict[str, VersionText]:
    language = translation.get_language()  # the page's, whose diff names them
    labels = {role.pk: role.label_for(language) for role in reader_roles()}
    return {labels.get(role_id, f"role {role_id}"): t for role_id, t in texts.items()}
