"""The pages readers of every role are shown from one revision, rendered once for an edition, and
read back from an edition without rendering anything."""

from dataclasses import asdict

from articles.models import Article, Edition
from articles.search import words_of
from articles.selectors import ArticleContent, CitedReference, content_of, revision_source

from .models import ReaderRole
from .selectors import ReaderContent, fallback_chain, variant_texts, with_glossary

DEFAULT = ""  # the renditions key of the default text (health professionals)


def renditions(article: Article, revision_id: int, roles: list[ReaderRole]) -> dict[str, dict]:
    """Role slug → what a reader of that role is shown from this revision, glossary applied."""
    source = revision_source(article, revision_id)
    variants = variant_texts(article, revision_id)
    pages = {DEFAULT: _rendition(content_of(source), written_for=DEFAULT)}
    for role in roles:
        written_for = next((r for r in fallback_chain(role, roles) if r.pk in variants), None)
        content = content_of(source, variants[written_for.pk] if written_for else None)
        if role.is_lay:  # explained in the text's language, with that language's terms
            content = with_glossary(content, article.language)
        pages[role.slug] = _rendition(content, written_for=written_for.slug if written_for else "")
    return pages


def search_text(article: Article, revision_id: int) -> str:
    """Every word readers can read in this revision: the default text and each reader version."""
    source = revision_source(article, revision_id)
    contents = [content_of(source)]
    contents += [content_of(source, v) for v in variant_texts(article, revision_id).values()]
    words = [source.title]
    for content in contents:
        words += [content.summary, words_of(content.body_html)]
    return "\n".join(w for w in words if w)


def reader_from_edition(
    edition: Edition, role: ReaderRole | None, roles: list[ReaderRole]
) -> ReaderContent:
    """The page for this reader, read from the edition as it was published."""
    pages = edition.renditions
    # A role added after this edition was published reads its fallback's page, or the default.
    key = next((r.slug for r in fallback_chain(role, roles) if r.slug in pages), DEFAULT)
    page = pages[key]
    by_slug = {r.slug: r for r in roles}
    content = ArticleContent(
        title=edition.title,
        summary=page["summary"],
        body_html=page["body_html"],
        references=tuple(CitedReference(**ref) for ref in page["references"]),
        literature_current_through=edition.literature_current_through,
        updated_at=edition.text_updated_at,
    )
    return ReaderContent(content=content, role=role, written_for=by_slug.get(page["written_for"]))


def _rendition(content: ArticleContent, *, written_for: str) -> dict:
    return {
        "written_for": written_for,
        "summary": content.summary,
        "body_html": content.body_html,
        "references": [asdict(ref) for ref in content.references],
    }
