"""What the API may show: approved editions only, never a pending snapshot, never a withdrawn
article's text. Every read of the API goes through here."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from articles.models import Article, Edition, PublicReferenceUse
from articles.selectors import CitedReference, ReferenceText
from personalization.editions import reader_from_edition
from personalization.models import ReaderRole
from publishing.translations import Lag, lag_of, with_lag

# Approved, and not withdrawn since. Article.objects.public() also lets never-approved articles
# through (with the caution, when VETTED_SHOW_UNAPPROVED is on); the API never does.
PUBLISHED = Q(
    live_revision__isnull=False,
    withdrawn_at__isnull=True,
    public_edition__kind=Edition.Kind.APPROVED,
)


def published_articles(language: str = "en") -> QuerySet[Article]:
    """Articles of `language` whose current approved edition readers may open, newest approval
    first: the English originals, or (?lang=) one language's translations, each with how far it
    is behind its original (publishing.translations.with_lag)."""
    found = (
        Article.objects.filter(PUBLISHED, language=language)
        .select_related("public_edition", "translation_of")
        .prefetch_related("topics")
        .order_by("-published_at", "-id")
    )
    return (
        found if language == "en" else with_lag(found.select_related("public_edition__translates"))
    )


def ever_approved_translation(original: Article, language: str) -> Article | None:
    """The original's `language` translation if the board ever approved it, withdrawn or not."""
    return (
        Article.objects.filter(
            translation_of=original, language=language, live_revision__isnull=False
        )
        .select_related("public_edition", "translation_of")
        .prefetch_related("topics")
        .first()
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
    lag: Lag | None = None  # a translation's edition: where it stands against its original


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
        lag=lag_of(edition) if edition.article.translation_of_id else None,
    )


@dataclass(frozen=True)
class PublishedReference(ReferenceText):
    """A reference as the newest published edition citing it shows it, and how many published
    articles cite it (their list: the article list's `?cites=`)."""

    cited_by_count: int = 0


def published_reference_keys() -> QuerySet[PublicReferenceUse]:
    """The keys published articles cite now, in order (publishing.citations keeps them)."""
    return PublicReferenceUse.objects.filter(articles__gt=0).order_by("key")


def published_references(keys: list[str]) -> list[PublishedReference]:
    """These keys as the newest published edition citing each shows them, with how many
    published articles cite each: one read of the keys' uses, one of those editions."""
    uses = {
        key: (articles, edition_id)
        for key, articles, edition_id in PublicReferenceUse.objects.filter(
            key__in=keys, articles__gt=0
        ).values_list("key", "articles", "newest_edition")
    }
    pages = dict(
        Edition.objects.filter(pk__in={edition_id for _, edition_id in uses.values()})
        .values_list("pk", "renditions")
    )  # fmt: skip
    fields = [name for name in PublishedReference.__dataclass_fields__ if name != "cited_by_count"]
    found = []
    for key in keys:
        articles, edition_id = uses.get(key, (0, None))
        shown = next(
            (
                ref
                for page in pages.get(edition_id, {}).values()
                for ref in page["references"]
                if ref["key"] == key
            ),
            None,
        )
        if shown is None:  # no published article cites it
            continue
        found.append(
            PublishedReference(
                # An edition written before a field existed has none: the field's default.
                **{name: shown[name] for name in fields if name in shown},
                cited_by_count=articles,
            )
        )
    return found
