"""Importing an article file: articles.importing, services.import_article and the command."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from reversion.models import Version

from articles.importing import parse_article, read_article_file
from articles.models import Article, Reference, Topic
from articles.services import import_article

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "public" / "demo" / "nsclc-her2-exon-20-first-line.md"

ARTICLE = {
    "title": '"Is this a good file?"',
    "slug": "a-good-file",
    "summary": '"Yes."',
    "topics": "[Testing]",
    "literature_current_through": "2025-01-31",
}
REFERENCE = {
    "key": "good-ref",
    "kind": "guideline",
    "title": '"A good reference"',
    "source": '"The Board"',
    "year": "2024",
}
BODY = "## Answer\n\nIt is.[@good-ref]\n"


def article_file(body=BODY, references=(REFERENCE,), **fields):
    """An article file's text; fields given as None are left out; `references` may be raw YAML."""
    meta = {**ARTICLE, **fields}
    lines = ["---", *(f"{name}: {value}" for name, value in meta.items() if value is not None)]
    if isinstance(references, str):
        lines.append(f"references: {references}")
    elif references:
        lines.append("references:")
        for reference in references:
            present = [(name, value) for name, value in reference.items() if value is not None]
            for number, (name, value) in enumerate(present):
                lines.append(f"{'  - ' if number == 0 else '    '}{name}: {value}".rstrip())
    return "\n".join([*lines, "---", body])


def reference(**changes):
    return {**REFERENCE, **changes}


GOOD = article_file()


def run_import(path, author="author"):
    call_command("import_article", str(path), author=author)


def counts():
    return Article.objects.count(), Reference.objects.count(), Version.objects.count()


def write(tmp_path, text, name="article.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the demo file ---------------------------------------------------------------------------


def test_demo_file_imports_with_its_references_citations_and_topics(author):
    run_import(DEMO)

    article = Article.objects.get(slug="nsclc-her2-exon-20-first-line")
    assert article.title.startswith("What is the first-line treatment")
    assert article.summary.startswith("Start with platinum-based doublet chemotherapy")
    assert article.author == author
    assert article.literature_current_through == datetime.date(2025, 7, 21)
    assert Reference.objects.count() == 2
    citations = article.citations.select_related("reference")
    assert [(c.position, c.reference.key) for c in citations] == [
        (1, "her2-ex20-guideline-overview"),
        (2, "zenith20-2-poziotinib"),
    ]
    trial = Reference.objects.get(key="zenith20-2-poziotinib")
    assert (trial.kind, trial.year) == ("research", 2022)
    topics = sorted(article.topics.values_list("name", flat=True))
    assert topics == ["Lung cancer", "Oncology", "Targeted therapy"]
    assert article.body.startswith("## First-line therapy")


def test_import_records_a_revision_by_the_author_naming_the_file(author):
    run_import(DEMO)

    article = Article.objects.get(slug="nsclc-her2-exon-20-first-line")
    [version] = Version.objects.get_for_object(article)
    assert version.revision.user == author
    assert DEMO.name in version.revision.comment
    reference = Reference.objects.get(key="zenith20-2-poziotinib")
    assert Version.objects.get_for_object(reference).get().revision == version.revision


def test_importing_the_same_file_again_updates_without_duplicates(author):
    run_import(DEMO)
    article = Article.objects.get(slug="nsclc-her2-exon-20-first-line")

    run_import(DEMO)

    assert Article.objects.count() == 1
    assert Reference.objects.count() == 2
    assert Topic.objects.count() == 3
    assert article.citations.count() == 2
    assert Version.objects.get_for_object(article).count() == 2


def test_reimport_applies_changes_in_the_file(author, tmp_path):
    run_import(write(tmp_path, GOOD))
    article = Article.objects.get(slug="a-good-file")

    changed = article_file(title='"Is it still good?"', topics="[Other]", body="Still.[@good-ref]")
    run_import(write(tmp_path, changed))

    article.refresh_from_db()
    assert article.title == "Is it still good?"
    assert article.body.strip().endswith("Still.[@good-ref]")
    assert list(article.topics.values_list("name", flat=True)) == ["Other"]
    assert Article.objects.count() == 1


def test_import_service_takes_a_parsed_source(author):
    source = parse_article(GOOD, origin="inline.md")

    article = import_article(source=source, by=author)

    assert article.slug == "a-good-file"
    assert article.citations.get().reference.title == "A good reference"
    revision = Version.objects.get_for_object(article).get().revision
    assert revision.comment == "Imported from inline.md"
    assert revision.user == author


def test_import_may_cite_a_reference_already_in_the_database(author, make_reference, tmp_path):
    make_reference("known-ref")
    run_import(write(tmp_path, article_file(references=(), body="Known.[@known-ref]\n")))

    article = Article.objects.get(slug="a-good-file")
    assert article.citations.get().reference.key == "known-ref"


def test_command_reports_the_imported_slug(author, capsys):
    run_import(DEMO)

    assert "nsclc-her2-exon-20-first-line" in capsys.readouterr().out


# --- malformed files -------------------------------------------------------------------------

MALFORMED = {
    "no front matter": ("## Just a body\n\nText.\n", "front matter"),
    "invalid yaml": (article_file(title='"unclosed'), "not valid YAML"),
    "missing title": (article_file(title=None), "missing 'title'"),
    "missing slug": (article_file(slug=None), "missing 'slug'"),
    "bad slug": (article_file(slug='"Bad Slug!"'), "slug 'Bad Slug!'"),
    "unknown field": (article_file(subtitle="Nope"), "unknown field(s) subtitle"),
    "references not a list": (
        article_file(references="good-ref", body="It is.\n"),
        "'references' must be a list",
    ),
    "reference not a mapping": (
        article_file(references="[good-ref]", body="It is.\n"),
        "reference 1 is not a mapping",
    ),
    "unknown reference kind": (
        article_file(references=[reference(kind="blog")]),
        "reference 1 (good-ref): Value 'blog' is not a valid choice",
    ),
    "unknown reference field": (
        article_file(references=[reference(publisher="Nobody")]),
        "reference 1: unknown field(s) publisher",
    ),
    "year is not a number": (
        article_file(references=[reference(year="soon")]),
        "reference 1 (good-ref): “soon” value must be an integer",
    ),
    "reference without a title": (
        article_file(references=[reference(title=None)]),
        "reference 1 (good-ref): This field cannot be blank",
    ),
    "dangling citation": (article_file(body="It is.[@nowhere]\n"), "[@nowhere]"),
    "empty body": (article_file(body="\n   \n"), "the body is empty"),
    "date is not a date": (
        article_file(literature_current_through='"yesterday"'),
        "'literature_current_through' must be a date",
    ),
    "topics not names": (article_file(topics="Testing"), "'topics' must be a list"),
}


@pytest.mark.parametrize(("text", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_is_refused_with_a_clear_message_and_nothing_is_written(
    author, tmp_path, text, message
):
    path = write(tmp_path, text)
    before = counts()

    with pytest.raises(CommandError) as caught:
        run_import(path)

    assert message in str(caught.value)
    assert counts() == before
    assert not Topic.objects.exists()


def test_messages_name_the_file_they_are_about(author, tmp_path):
    path = write(tmp_path, article_file(title=None), name="broken-article.md")

    with pytest.raises(CommandError, match=r"broken-article\.md: missing 'title'"):
        run_import(path)


def test_every_problem_in_a_file_is_reported_at_once(author, tmp_path):
    path = write(tmp_path, article_file(title=None, slug='"Bad Slug!"'))

    with pytest.raises(CommandError) as caught:
        run_import(path)

    assert "missing 'title'" in str(caught.value)
    assert "Bad Slug!" in str(caught.value)


def test_non_utf8_file_is_refused(author, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(GOOD.replace("good file", "gööd file").encode("latin-1"))
    before = counts()

    with pytest.raises(CommandError, match="not UTF-8"):
        run_import(path)

    assert counts() == before


def test_missing_file_is_refused(author, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        run_import(tmp_path / "nope.md")

    assert counts() == (0, 0, 0)


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.md"
    path.write_bytes(GOOD.encode() + b"x" * 1_000_001)

    with pytest.raises(ValidationError, match="larger than"):
        read_article_file(path)


def test_unknown_author_is_refused(author, tmp_path):
    path = write(tmp_path, GOOD)

    with pytest.raises(CommandError, match="No active user 'nobody'"):
        run_import(path, author="nobody")

    assert counts() == (0, 0, 0)


def test_inactive_author_is_refused(author, tmp_path):
    author.is_active = False
    author.save()

    with pytest.raises(CommandError, match="No active user 'author'"):
        run_import(write(tmp_path, GOOD))

    assert not Article.objects.exists()


def test_body_too_deeply_nested_is_refused_and_its_references_are_not_kept(author, tmp_path):
    path = write(tmp_path, GOOD + "\n" + "- " * 3000 + "x\n")

    with pytest.raises(CommandError, match="too deeply"):
        run_import(path)

    assert counts() == (0, 0, 0)


def test_impossible_date_is_refused_with_a_command_error(author, tmp_path):
    path = write(tmp_path, article_file(literature_current_through="2025-13-45"))

    with pytest.raises(CommandError):
        run_import(path)


def test_reference_with_an_empty_year_imports_without_a_year(author, tmp_path):
    run_import(write(tmp_path, article_file(references=[reference(year="")])))

    assert Reference.objects.get(key="good-ref").year is None


def test_topic_named_like_an_existing_topic_with_another_slug_is_reused(author, tmp_path):
    existing = Topic.objects.create(name="Testing", slug="qa")

    run_import(write(tmp_path, GOOD))

    assert list(Article.objects.get().topics.all()) == [existing]


def test_problems_in_the_body_are_reported_at_their_line_in_the_file(author, tmp_path):
    text = article_file(body="## Answer\n\nIt is.[@good-ref] {grade 3D}\n\nAnd[@ghost].\n")
    lines = text.split("\n")
    grade_line = next(n for n, line in enumerate(lines, start=1) if "{grade 3D}" in line)
    ghost_line = next(n for n, line in enumerate(lines, start=1) if "[@ghost]" in line)

    with pytest.raises(CommandError) as caught:
        run_import(write(tmp_path, text))

    assert f"Line {grade_line}: {{grade 3D}} is not an evidence grade." in str(caught.value)
    assert f"Line {ghost_line}: [@ghost] names no reference." in str(caught.value)
    assert counts() == (0, 0, 0)
