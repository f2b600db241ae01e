"""Writes to articles and references. Each runs in a django-reversion revision with its user.

The review state is not written here: that is review.services' alone.
"""

from collections.abc import Callable, Collection, Iterable, Sequence

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.text import slugify

from accounts.models import User

from .evidence import GRADE_MARKER, SYNTAX_HELP, parse_grade
from .importing import ArticleSource
from .models import Article, Citation, Reference, Topic
from .reference_import import ImportChanged, ImportPlan, ParsedFile, plan_import
from .rendering import ANY_KEY, UnrenderableMarkdown, cited_keys, marker_lines, render_body


def validate_body(body: str, *, first_line: int = 1) -> None:
    """Refuse a body that is too long, cannot be parsed, cites a missing reference or names no
    evidence grade, reporting every problem at once, each with its line (counted from
    `first_line`: an imported file's body starts below its front matter).

    One problem is raised as itself (with its code); several as a list of them, in line order.
    """
    limit, length = settings.VETTED_MAX_BODY_CHARS, len(body.rstrip("\n"))
    if length > limit:
        # Nothing else is checked: the limit is what keeps a hostile text from costing the
        # server a render.
        raise ValidationError(
            f"The body is {length:,} characters long; the limit is {limit:,}.", code="too_long"
        )
    errors = [
        ValidationError(f"Line {line + first_line - 1}: {message}" if line else message, code=code)
        for line, message, code in body_problems(body)
    ]
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationError(errors)


def body_problems(body: str) -> list[tuple[int, str, str]]:
    """(line from 1, or 0 for the whole text; message; code) of each problem, in line order."""
    lines = body.split("\n")
    problems = [
        (number, "The body contains a NUL character.", "nul")
        for number, text in enumerate(lines, start=1)
        if "\x00" in text
    ]
    try:
        rendered = render_body(body.replace("\x00", ""), known_keys=ANY_KEY)
    except UnrenderableMarkdown as exc:
        problems.append((0, str(exc), "unrenderable"))
        rendered = None  # the markers are still checked, from the text alone
    markers = marker_lines(lines)
    if rendered is not None:
        grades, cited = rendered.invalid_grades, rendered.cited_keys
    else:
        grades = [g for g, _ in markers.grades if parse_grade(GRADE_MARKER.fullmatch(g)[1]) is None]
        cited = tuple(dict.fromkeys(key for key, _ in markers.keys))
    grade_lines = [(line, g) for g in dict.fromkeys(grades) for line in markers.lines_of_grade(g)]
    for index, (line, marker) in enumerate(grade_lines):
        syntax = f" {SYNTAX_HELP}" if index == 0 else ""  # once is enough
        problems.append((line, f"{marker} is not an evidence grade.{syntax}", "invalid_grade"))
    known = set(Reference.objects.filter(key__in=cited).values_list("key", flat=True))
    problems += [
        (line, f"[@{key}] names no reference. Add the reference first, or correct the marker.",
         "dangling_citation")
        for key in cited if key not in known for line in markers.lines_of_key(key)
    ]  # fmt: skip
    return sorted(problems, key=lambda problem: problem[0])


def normalize_markdown(text: str) -> str:
    """One line-ending convention and one final newline, whatever the browser or file sent."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip() + "\n"


# Other texts of an article that may cite references (per-role variants), registered by the apps
# that own them, so the reference list covers every version a reader can see.
CITING_TEXT_SOURCES: list[Callable[[Article], Iterable[str]]] = []


def sync_citations(*, article: Article) -> list[Citation]:
    """Make the article's citations match its texts: one per cited reference, in reading order."""
    texts = [article.body]
    if article.pk:
        texts += [text for source in CITING_TEXT_SOURCES for text in source(article)]
    keys = tuple(dict.fromkeys(key for text in texts for key in cited_keys(text)))
    references = Reference.objects.in_bulk(keys, field_name="key")
    article.citations.all().delete()
    return Citation.objects.bulk_create(
        Citation(article=article, reference=references[key], position=number)
        for number, key in enumerate(keys, start=1)
    )


def save_article(
    *,
    article: Article,
    by: User,
    comment: str,
    topics: Iterable[Topic] | None = None,
) -> Article:
    """Validate and save an article with its citations as one new revision."""
    article.body = normalize_markdown(article.body)
    validate_body(article.body)
    article.full_clean(exclude=["author"] if article.author_id is None else None)
    with reversion.create_revision():  # atomic itself
        if article.author_id is None:
            article.author = by
        article.save()
        if topics is not None:
            article.topics.set(topics)
        sync_citations(article=article)
        # Again, now that the citations exist: the save above recorded the old ones.
        reversion.add_to_revision(article)
        reversion.set_user(by)
        reversion.set_comment(comment)
    return article


def save_reference(*, reference: Reference, by: User, comment: str) -> Reference:
    """Validate and save a reference as a new revision."""
    reference.full_clean()
    with reversion.create_revision():  # atomic itself
        reference.save()
        reversion.set_user(by)
        reversion.set_comment(comment)
    return reference


def import_references(
    *,
    parsed: ParsedFile,
    by: User | None,
    expected_keys: Sequence[str] | None = None,
    import_anyway: Collection[int] = (),
) -> ImportPlan:
    """Save a file's new references, all or none, as one revision; duplicates are skipped, and so
    are likely duplicates (same title, year and journal) unless their record numbers are in
    `import_anyway`.

    The plan is made again inside the transaction, from the parsed file alone: what was shown in
    a preview is checked (`expected_keys`, the keys of every record it could add), never
    trusted. `by` is None only for a command-line import that names nobody.
    """
    try:
        with reversion.create_revision():  # atomic itself: one refused save undoes them all
            plan = plan_import(parsed, import_anyway=import_anyway)
            if expected_keys is not None and list(expected_keys) != plan.candidate_keys:
                raise ImportChanged(
                    "The references changed since the preview; nothing was saved. "
                    "Check the new preview and save again."
                )
            for row in plan.saved:
                reference = row.reference()
                reference.full_clean()
                reference.save()
            reversion.set_user(by)
            reversion.set_comment(f"Imported {len(plan.saved)} references from {parsed.name}")
    except IntegrityError as exc:  # someone added one of these references at the same moment
        raise ImportChanged(
            "Another change added some of these references meanwhile; nothing was saved. "
            "Check the new preview and save again."
        ) from exc
    return plan


def topics_named(names: Iterable[str]) -> list[Topic]:
    """The topics with these names (matched by name or slug), creating any that are missing."""
    topics = []
    for name in (n.strip() for n in names):
        slug = slugify(name)[:100]
        if not slug:
            raise ValidationError(f"Topic '{name}' needs at least one letter or digit.")
        topic = (
            Topic.objects.filter(name__iexact=name).first()
            or Topic.objects.filter(slug=slug).first()
            or Topic.objects.create(name=name[:100], slug=slug)
        )
        topics.append(topic)
    return topics


def import_article(*, source: ArticleSource, by: User) -> Article:
    """Create or update the article a file describes, with its references, as one revision."""
    with reversion.create_revision():  # atomic itself
        reversion.set_user(by)
        reversion.set_comment(f"Imported from {source.origin}")
        for fields in source.references:
            reference = Reference.objects.filter(key=fields["key"]).first() or Reference()
            for name, value in fields.items():
                setattr(reference, name, value)
            reference.full_clean()
            reference.save()
        # Before save_article checks it again: here the lines are the file's (the references
        # above are saved, in this transaction, so citing them is no problem).
        validate_body(source.body, first_line=source.body_line)
        article = Article.objects.filter(slug=source.slug).first() or Article(
            author=by, slug=source.slug
        )
        article.title = source.title
        article.summary = source.summary
        article.body = source.body
        article.literature_current_through = source.literature_current_through
        save_article(
            article=article,
            by=by,
            comment=f"Imported from {source.origin}",
            topics=topics_named(source.topics),
        )
    return article
