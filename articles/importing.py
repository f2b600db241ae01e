"""Reading an article file: YAML front matter, then the Markdown body. Parsing only, no writes.

---
title: "The question the article answers?"
slug: the-slug
summary: "The answer in a sentence."
topics: [Lung cancer]
literature_current_through: 2025-07-21
references:
  - key: some-key          # cited in the body as [@some-key]
    kind: guideline        # guideline | research | systematic_review | trial | other
    title: "..."
    source: "..."          # journal or issuing body
    year: 2025
    authors: "..."         # optional, as are volume, issue, pages, doi, pmid and url
---
## First heading
Body text.[@some-key]
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import frontmatter
import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from .models import Reference

REQUIRED_KEYS = ("title", "slug")
ARTICLE_KEYS = {"title", "slug", "summary", "topics", "literature_current_through", "references"}
REFERENCE_FIELDS = {
    "key", "kind", "title", "source", "year", "volume", "issue", "pages", "authors", "doi", "pmid",
    "url",
}  # fmt: skip
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class ArticleSource:
    origin: str
    title: str
    slug: str
    body: str
    summary: str = ""
    topics: tuple[str, ...] = ()
    literature_current_through: date | None = None
    references: tuple[dict, ...] = field(default=())
    body_line: int = 1  # the file's line the body starts on, for the problems found in it


def read_article_file(path: Path) -> ArticleSource:
    """Parse an article file, or raise ValidationError saying what is wrong and where."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read the file ({exc.strerror}).") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError(f"{path}: the file is larger than {MAX_FILE_BYTES:,} bytes.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path}: the file is not UTF-8 text.") from exc
    return parse_article(text, origin=path.name)


def parse_article(text: str, *, origin: str) -> ArticleSource:
    if not text.lstrip().startswith("---"):
        raise ValidationError(f"{origin}: the file must start with YAML front matter ('---').")
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 2025-13-45
        raise ValidationError(f"{origin}: the front matter is not valid YAML: {exc}") from exc
    meta = post.metadata
    errors = [f"missing '{key}'" for key in REQUIRED_KEYS if not meta.get(key)]
    unknown = sorted(set(meta) - ARTICLE_KEYS)
    if unknown:
        errors.append(f"unknown field(s) {', '.join(unknown)}")
    if not post.content.strip():
        errors.append("the body is empty")
    slug = str(meta.get("slug", ""))
    if slug and slugify(slug) != slug:
        errors.append(f"slug '{slug}' may only hold lower-case letters, digits and hyphens")
    current = meta.get("literature_current_through")
    if current is not None and not isinstance(current, date):
        errors.append("'literature_current_through' must be a date like 2025-07-21")
    topics = meta.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        errors.append("'topics' must be a list of names")
    references = _references(meta.get("references") or [], errors)
    if errors:
        raise ValidationError([f"{origin}: {error}" for error in errors])
    body = post.content.strip()
    return ArticleSource(
        origin=origin,
        title=str(meta["title"]).strip(),
        slug=slug,
        summary=str(meta.get("summary") or "").strip(),
        body=body + "\n",
        topics=tuple(topics),
        literature_current_through=current,
        references=tuple(references),
        body_line=_line_of(text, body),
    )


def _line_of(text: str, part: str) -> int:
    """The line of `text` on which `part` starts (the body: after the front matter)."""
    at = text.rfind(part) if part else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _references(entries: object, errors: list[str]) -> list[dict]:
    if not isinstance(entries, list):
        errors.append("'references' must be a list")
        return []
    references = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            errors.append(f"reference {number} is not a mapping of fields")
            continue
        unknown = sorted(set(entry) - REFERENCE_FIELDS)
        if unknown:
            errors.append(f"reference {number}: unknown field(s) {', '.join(unknown)}")
        fields = {name: entry[name] for name in REFERENCE_FIELDS & set(entry)}
        fields = {name: "" if value is None else value for name, value in fields.items()}
        if fields.get("year") == "":
            fields["year"] = None
        try:
            Reference(**fields).full_clean(validate_unique=False)
        except (ValidationError, TypeError, ValueError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            errors.append(f"reference {number} ({entry.get('key', '?')}): {'; '.join(messages)}")
            continue
        references.append(fields)
    return references
