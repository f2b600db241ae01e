"""What the API may show: approved editions only, never a pending snapshot, never a withdrawn
article's text. Every read of the API goes through here."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from articles.models import Article, Edition, EditionReference, Reference
from articles.selectors import CitedReference, ReferenceText
from personalization.editions import reader_from_edition
from personalization.models import ReaderRole
from publishing.selectors import listings_version

# Approved, and not withdrawn since. Article.objects.public() also lets never-approved articles
# through (with the caution, when VETTED_SHOW_UNAPPROVED is on); the API never does.
PUBLISHED = Q(
    live_revision__isnull=False,
    withdrawn_at__isnull=True,
    public_edition__kind=Edition.Kind.APPROVED,
    language="en",  # the English originals; a translation is its language's (?lang=, i18n)
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
        Article.objects.filter(slug=slug, live_revision__isnull=False, language="en")
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
class PublishedReference(ReferenceText):
    """A reference as the newest published edition citing it shows it, and how many published
    articles cite it (their list: the article list's `?cites=`)."""

    cited_by_count: int = 0


def _public_rows() -> QuerySet[EditionReference]:
    """The index rows of what readers are shown now: each published article's current edition."""
    return EditionReference.objects.filter(
        article__public_edition=F("edition"),
        article__live_revision__isnull=False,
        article__withdrawn_at__isnull=True,
        edition__kind=Edition.Kind.APPROVED,
    )


def published_reference_counts() -> dict[str, int]:
    """Key → how many published articles cite it, by key: one grouped read of the index, kept
    until the publication log's next act (read drafts cite never count)."""
    return cache.get_or_set(
        f"vetted:api:reference-counts:{listings_version()}",
        lambda: dict(
            _public_rows().order_by("key").values_list("key").annotate(articles=Count("id"))
        ),
        REFERENCE_INDEX_SECONDS,
    )


def published_references(keys: list[str]) -> list[PublishedReference]:
    """These published keys (of published_reference_counts) as the newest published edition
    citing each shows it: one read of the newest edition per key along the index, one of those
    editions."""
    counts = published_reference_counts()
    newest_citing = (
        _public_rows().filter(key=OuterRef("key")).order_by("-published_at").values("edition")[:1]
    )
    newest = dict(
        Reference.objects.filter(key__in=keys)
        .annotate(edition=Subquery(newest_citing))
        .values_list("key", "edition")
    )
    for key in set(keys) - newest.keys():  # its Reference row was deleted since: rare
        newest[key] = (
            _public_rows()
            .filter(key=key)
            .order_by("-published_at")[:1]
            .values_list("edition", flat=True)
            .first()
        )
    pages = dict(
        Edition.objects.filter(pk__in={pk for pk in newest.values() if pk}).values_list(
            "pk", "renditions"
        )
    )
    fields = [name for name in PublishedReference.__dataclass_fields__ if name != "cited_by_count"]
    found = []
    for key in keys:
        shown = next(
            (
                ref
                for page in pages.get(newest.get(key), {}).values()
                for ref in page["references"]
                if ref["key"] == key
            ),
            None,
        )
        if shown is None:  # withdrawn since the count was read
            continue
        found.append(
            PublishedReference(
                # An edition written before a field existed has none: the field's default.
                **{name: shown[name] for name in fields if name in shown},
                cited_by_count=counts.get(key, 0),
            )
        )
    return found
