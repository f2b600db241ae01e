"""What the API may show: approved editions only, never a pending snapshot, never a withdrawn
article's text. Every read of the API goes through here."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from articles.models import Article, Edition
from articles.selectors import CitedReference, ReferenceText
from personalization.editions import reader_from_edition
from personalization.models import ReaderRole

# Approved, and not withdrawn since. Article.objects.public() also lets never-approved articles
# through (with the caution, when VETTED_SHOW_UNAPPROVED is on); the API never does.
PUBLISHED = Q(
    live_revision__isnull=False,
    withdrawn_at__isnull=True,
    public_edition__kind=Edition.Kind.APPROVED,
)
REFERENCE_INDEX_SECONDS = 3600


def published_articles() -> QuerySet[Article]:
    """Articles whose current approved edition readers may open, newest approval first."""
    return (
        Article.objects.filter(PUBLISHED)
        .select_related("public_edition")
        .prefetch_related("topics")
        .order_by("-published_at", "-id")
    )


def ever_approved_article(slug: str) -> Article | None:
    """The article if the board ever approved it, withdrawn or not (a withdrawal is reported to
    readers); None for a never-approved one, which the API does not know of."""
    return (
        Article.objects.filter(slug=slug, live_revision__isnull=False)
        .select_related("public_edition")
        .prefetch_related("topics")
        .first()
    )


def approved_edition(article: Article, number: int) -> Edition | None:
    return article.editions.approved().filter(number=number).first()


@dataclass(frozen=True)
class ReaderPage:
    """One edition as a reader of one role (None: the default text) was shown it."""

    article: Article
    edition: Edition
    role: ReaderRole | None
    written_for: ReaderRole | None
    summary: str
    body_html: str
    references: tuple[CitedReference, ...]


def reader_page(edition: Edition, role: ReaderRole | None, roles: list[ReaderRole]) -> ReaderPage:
    reader = reader_from_edition(edition, role, roles)
    return ReaderPage(
        article=edition.article,
        edition=edition,
        role=role,
        written_for=reader.written_for,
        summary=reader.content.summary,
        body_html=reader.content.body_html,
        references=reader.content.references,
    )


@dataclass(frozen=True)
class CitingArticle:
    slug: str
    title: str


@dataclass(frozen=True)
class PublishedReference(ReferenceText):
    """A reference as the newest published edition citing it shows it, and who cites it."""

    cited_by: tuple[CitingArticle, ...] = ()


def published_references() -> dict[str, PublishedReference]:
    """Key → every reference a current approved edition cites (in any reader's version).

    Read from the editions, not the Reference table: that also holds what drafts cite, and its
    rows may have been edited since the board approved what readers see. Rebuilt only when the
    set of published editions changes: an approval moves the newest `published_at`, a
    withdrawal the newest `withdrawn_at`.
    """
    seen = Article.objects.aggregate(
        published=Count("pk", filter=PUBLISHED),
        newest=Max("published_at", filter=PUBLISHED),
        withdrawn=Max("withdrawn_at"),
    )
    fingerprint = hashlib.sha256(repr(sorted(seen.items())).encode()).hexdigest()
    key = f"vetted:api:references:{fingerprint}"
    return cache.get_or_set(key, _reference_index, REFERENCE_INDEX_SECONDS)


def _reference_index() -> dict[str, PublishedReference]:
    found: dict[str, dict] = {}
    citing: dict[str, dict[str, CitingArticle]] = {}
    editions = (
        Edition.objects.filter(pk__in=Article.objects.filter(PUBLISHED).values("public_edition"))
        .order_by("-published_at", "-id")
        .values_list("article__slug", "title", "renditions")
    )
    for slug, title, renditions in editions.iterator(chunk_size=200):
        for page in renditions.values():
            for ref in page["references"]:
                found.setdefault(ref["key"], ref)  # the newest edition's wording wins
                citing.setdefault(ref["key"], {})[slug] = CitingArticle(slug=slug, title=title)
    fields = [name for name in PublishedReference.__dataclass_fields__ if name != "cited_by"]
    return {
        key: PublishedReference(
            # An edition written before a field existed has none: the field's default.
            **{name: found[key][name] for name in fields if name in found[key]},
            cited_by=tuple(sorted(citing[key].values(), key=lambda a: a.slug)),
        )
        for key in sorted(found)
    }
