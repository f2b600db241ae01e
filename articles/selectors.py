"""Reads of articles: what readers see, built from the approved revision where there is one."""

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from reversion.models import Version

from .memo import read_once
from .models import Article, Citation, Reference
from .rendering import RenderedBody, render_body
from .search import SearchResults, search

# 3: evidence grades; 4: references' volume, issue and pages; 5: grade badges in the text's language
RENDER_CACHE_VERSION = "5"

# Fields references gained after editions were first written: an edition stored before them has
# none (its page reads them as empty), and a fingerprint leaves them out while they are empty, so
# every approval made before them keeps its fingerprint (`manage.py verify_editions`).
LATER_REFERENCE_FIELDS = ("volume", "issue", "pages")


@dataclass(frozen=True)
class ReferenceText:
    """A reference as one moment saw it: what a reference list shows."""

    key: str
    kind_label: str
    title: str
    source: str
    year: int | None
    authors: str
    doi: str
    pmid: str
    url: str
    volume: str = field(default="", kw_only=True)
    issue: str = field(default="", kw_only=True)
    pages: str = field(default="", kw_only=True)

    @property
    def locator(self) -> str:
        """Where in the journal, as Vancouver style writes it after the year: "386(3):241-251"."""
        text = self.volume
        if self.issue:
            text += f"({self.issue})"
        if self.pages:
            text += f":{self.pages}" if text else self.pages
        return text

    @property
    def published_in(self) -> str:
        """Where it was published, as Vancouver style writes it after the authors: "N Engl J
        Med. 2022;386(3):241-251" (what a reader needs to find it)."""
        when = str(self.year) if self.year else ""
        if self.locator:
            when = f"{when};{self.locator}" if when else self.locator
        return ". ".join(part for part in (self.source, when) if part)

    @property
    def source_line(self) -> str:
        """The authors, then where it was published: "Li BT, Smit EF, et al. N Engl J Med.
        2022;386(3):241-251" (one full stop after "et al.")."""
        authors = self.authors.strip().rstrip(".")
        return ". ".join(part for part in (authors, self.published_in) if part)

    def fingerprinted(self) -> dict:
        """What an approval's fingerprint covers of this reference (see LATER_REFERENCE_FIELDS)."""
        return {
            name: value
            for name, value in vars(self).items()
            if value or name not in LATER_REFERENCE_FIELDS
        }

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pmid_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


@dataclass(frozen=True)
class CitedReference(ReferenceText):
    number: int  # by first appearance in the text that cites it


@dataclass(frozen=True)
class VersionText:
    """One reader role's summary and body (personalization writes them; diffs read them)."""

    summary: str
    body: str


@dataclass(frozen=True)
class ArticleText:
    """An article's text as one moment saved it: the working copy or a revision, unrendered.

    `variants` (reader versions by role label) is filled only where a diff needs them.
    """

    title: str
    summary: str
    body: str
    literature_current_through: date | None
    references: dict[str, ReferenceText]
    updated_at: datetime | None
    variants: dict[str, VersionText] = field(default_factory=dict)
    language: str = "en"  # the article's: its grade badges are written in it

    def replace(self, **changes) -> "ArticleText":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ArticleContent:
    """One version of an article's text, rendered: the working copy or an approved revision."""

    title: str
    summary: str
    body_html: str
    references: tuple[CitedReference, ...]
    literature_current_through: date | None
    updated_at: datetime | None
    source: ArticleText | None = field(default=None, compare=False)  # unrendered, for diffs

    @property
    def sha256(self) -> str:
        """The fingerprint an approval records: the rendered text readers will see."""
        payload = json.dumps(
            [
                self.title,
                self.summary,
                self.body_html,
                [r.fingerprinted() for r in self.references],
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def rendered_body(body: str, known_keys: frozenset[str], language: str = "en") -> RenderedBody:
    """render_body, cached by a hash of its inputs (the output depends on nothing else)."""
    digest = hashlib.sha256(
        "\x00".join([RENDER_CACHE_VERSION, language, body, *sorted(known_keys)]).encode()
    ).hexdigest()
    return cache.get_or_set(
        f"vetted:render:{digest}",
        lambda: render_body(body, known_keys, language),
        settings.VETTED_RENDER_CACHE_SECONDS,
    )


def search_articles(query: str, *, page: int | str = 1, language: str = "en") -> SearchResults:
    """A page of the public articles of `language` (English originals, or its translations)
    whose public edition matches a reader's query, best first: found by the words readers can
    read, never by a working draft's (articles.search).

    Raises django.core.paginator.InvalidPage for a page that does not exist.
    """
    return search(query, page, language)


def reference_flags(keys: Iterable[str]) -> dict[str, str]:
    """Key → the label of the flag raised on that reference now ("Retracted"), for those of
    these references that carry one: one query. An edition stores its references as they were;
    a flag is news about the work since, so pages read it live (publishing keeps their key in
    step: publishing.services.notices_changed)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    flagged = Reference.objects.filter(key__in=keys).exclude(flag="").values_list("key", "flag")
    labels = dict(Reference._meta.get_field("flag").choices)
    return {key: labels.get(flag, flag) for key, flag in flagged}


@read_once
def cited_references(article: Article) -> list[Reference]:
    """The references an article cites now, in citation order (one read a page: its working
    text and its flags are read from it)."""
    return [citation.reference for citation in article.citations.select_related("reference")]


def flagged_references(article: Article) -> list[Reference]:
    """The references an article cites now that carry a flag, in citation order."""
    return [reference for reference in cited_references(article) if reference.flag]


@read_once
def latest_revision_id(article: Article) -> int | None:
    """The newest revision holding this article: what an editor or reviewer is looking at."""
    return (
        Version.objects.get_for_object(article)
        .order_by("-revision_id")
        .values_list("revision_id", flat=True)
        .first()
    )


@read_once
def working_source(article: Article) -> ArticleText:
    """The article's current text and the references it cites now."""
    return ArticleText(
        title=article.title,
        summary=article.summary,
        body=article.body,
        literature_current_through=article.literature_current_through,
        references={ref.key: _reference_text(ref) for ref in cited_references(article)},
        updated_at=article.updated_at,
        language=article.language,
    )


def revision_source(article: Article, revision_id: int) -> ArticleText:
    """The article as one revision saved it, references as they stood then; cached."""
    key = f"vetted:revision-source:{RENDER_CACHE_VERSION}:{article.pk}:{revision_id}"
    return cache.get_or_set(
        key, lambda: _revision_source(article, revision_id), settings.VETTED_RENDER_CACHE_SECONDS
    )


def content_of(source: ArticleText, version: VersionText | None = None) -> ArticleContent:
    """Render a text; a reader version brings its own summary and body, numbered on their own."""
    body = source.body if version is None else version.body
    rendered = rendered_body(body, frozenset(source.references), source.language)
    return ArticleContent(
        title=source.title,
        summary=source.summary if version is None else version.summary,
        body_html=rendered.html,
        references=tuple(
            CitedReference(number=number, **vars(source.references[key]))
            for number, key in enumerate(rendered.cited_keys, start=1)
        ),
        literature_current_through=source.literature_current_through,
        updated_at=source.updated_at,
        source=source,
    )


def working_content(article: Article) -> ArticleContent:
    return content_of(working_source(article))


def revision_content(article: Article, revision_id: int) -> ArticleContent:
    return content_of(revision_source(article, revision_id))


def revision_versions(revision_id: int, model: type) -> list[Version]:
    """The saved versions of one model in a revision (e.g. an app's rows that follow articles)."""
    return list(Version.objects.get_for_model(model).filter(revision_id=revision_id))


def _revision_source(article: Article, revision_id: int) -> ArticleText:
    versions = list(Version.objects.filter(revision_id=revision_id).select_related("content_type"))
    article_fields = next(
        v.field_dict
        for v in versions
        if v.content_type.model_class() is Article and int(v.object_id) == article.pk
    )
    cited_ids = {
        v.field_dict["reference_id"]
        for v in versions
        if v.content_type.model_class() is Citation and v.field_dict["article_id"] == article.pk
    }
    return ArticleText(
        title=article_fields["title"],
        summary=article_fields["summary"],
        body=article_fields["body"],
        literature_current_through=article_fields["literature_current_through"],
        references={
            ref.key: _reference_text(ref) for ref in _references_as_of(cited_ids, revision_id)
        },
        updated_at=article_fields["updated_at"],
        language=article.language,  # never changes: a translation is an article of its own
    )


def _references_as_of(reference_ids: set[int], revision_id: int) -> list[Reference]:
    """Each reference as its newest version at or before `revision_id` saved it."""
    as_of: dict[int, Reference] = {}
    versions = (
        Version.objects.get_for_model(Reference)
        .filter(object_id__in=[str(pk) for pk in reference_ids], revision_id__lte=revision_id)
        .order_by("object_id", "-revision_id")
    )
    for version in versions:
        as_of.setdefault(int(version.object_id), Reference(**version.field_dict))
    # A reference saved outside any revision (a raw fixture) is read as it stands now.
    missing = reference_ids - set(as_of)
    as_of.update(Reference.objects.in_bulk(missing))
    return list(as_of.values())


def _reference_text(reference: Reference) -> ReferenceText:
    return ReferenceText(
        key=reference.key,
        kind_label=reference.get_kind_display(),
        title=reference.title,
        source=reference.source,
        year=reference.year,
        authors=reference.authors,
        doi=reference.doi,
        pmid=reference.pmid,
        url=reference.url,
        volume=reference.volume,
        issue=reference.issue,
        pages=reference.pages,
    )
