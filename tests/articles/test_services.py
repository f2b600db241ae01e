"""articles.services: each write is a revision, citations follow the body, bad bodies refused."""

import pytest
from django.core.exceptions import ValidationError
from reversion.models import Version

from articles.models import Article, Citation, Reference
from articles.selectors import revision_content
from articles.services import save_article, save_reference, sync_citations, validate_body

pytestmark = pytest.mark.django_db

NESTED_TOO_DEEP = "- " * 3000 + "x"


def versions_of(obj):
    return Version.objects.get_for_object(obj).order_by("pk")


def citation_keys(article):
    return [(c.position, c.reference.key) for c in article.citations.select_related("reference")]


def new_article(body, slug="new-article"):
    return Article(slug=slug, title="What is new?", body=body)


# --- revisions -------------------------------------------------------------------------------


def test_save_article_records_a_revision_with_its_user_and_comment(make_reference, author):
    make_reference("a")
    article = save_article(article=new_article("Cited.[@a]"), by=author, comment="First draft")

    [version] = versions_of(article)
    assert version.revision.user == author
    assert version.revision.comment == "First draft"
    assert article.author == author


def test_each_save_of_an_article_adds_a_revision(make_article, reviewer2):
    article = make_article()
    article.summary = "Changed."
    save_article(article=article, by=reviewer2, comment="Tightened the summary")

    versions = versions_of(article)
    assert versions.count() == 2
    assert versions.last().revision.user == reviewer2
    assert versions.last().revision.comment == "Tightened the summary"
    assert versions.last().field_dict["summary"] == "Changed."


def test_the_revision_carries_the_citations_and_their_references(make_article):
    article = make_article()

    revision = versions_of(article).get().revision
    models = {v.content_type.model for v in revision.version_set.all()}
    assert {"article", "citation"} <= models  # references: as of this revision, by id
    # What an approval of this revision would put live: the citation numbered, not missing.
    content = revision_content(article, revision.pk)
    assert [r.key for r in content.references] == ["nccn-2024"]
    assert "citation-missing" not in content.body_html


def test_save_reference_records_a_revision_with_its_user_and_comment(reviewer):
    reference = save_reference(
        reference=Reference(key="esmo-2022", title="ESMO guideline", year=2022),
        by=reviewer,
        comment="Added ESMO",
    )
    reference.title = "ESMO clinical practice guideline"
    save_reference(reference=reference, by=reviewer, comment="Full title")

    versions = versions_of(reference)
    assert [v.revision.comment for v in versions] == ["Added ESMO", "Full title"]
    assert {v.revision.user for v in versions} == {reviewer}


def test_invalid_reference_is_refused_without_a_revision(author):
    before = Version.objects.count()

    with pytest.raises(ValidationError) as caught:
        save_reference(reference=Reference(key="Not a slug!", title="x"), by=author, comment="x")

    assert "key" in caught.value.message_dict
    assert not Reference.objects.exists()
    assert Version.objects.count() == before


# --- citations -------------------------------------------------------------------------------


def test_citations_follow_the_order_of_first_appearance(make_reference, author):
    for key in ("a", "b", "c"):
        make_reference(key)
    body = "## Why[@c]\n\n- one[@a]\n- two[@c]\n\nEnd.[@b][@a]\n"

    article = save_article(article=new_article(body), by=author, comment="x")

    assert citation_keys(article) == [(1, "c"), (2, "a"), (3, "b")]


def test_changing_the_body_resyncs_its_citations(make_reference, author):
    for key in ("a", "b", "c"):
        make_reference(key)
    article = save_article(article=new_article("One[@a] two[@b]"), by=author, comment="x")

    article.body = "Now three first[@c], then two[@b]."
    save_article(article=article, by=author, comment="Reworded")

    assert citation_keys(article) == [(1, "c"), (2, "b")]
    assert not Citation.objects.filter(article=article, reference__key="a").exists()


def test_removing_every_marker_removes_every_citation(make_article, author):
    article = make_article()
    article.body = "No sources any more."
    save_article(article=article, by=author, comment="Dropped the source")

    assert citation_keys(article) == []
    assert Reference.objects.filter(key="nccn-2024").exists()  # the reference itself stays


def test_sync_citations_rebuilds_positions_from_the_body(make_reference, author):
    make_reference("a")
    make_reference("b")
    article = save_article(article=new_article("x[@a] y[@b]"), by=author, comment="x")
    Article.objects.filter(pk=article.pk).update(body="y[@b] x[@a]")
    article.refresh_from_db()

    sync_citations(article=article)

    assert citation_keys(article) == [(1, "b"), (2, "a")]


# --- refusals --------------------------------------------------------------------------------


def assert_refused(body, author, *, mentioning):
    articles, versions = Article.objects.count(), Version.objects.count()
    with pytest.raises(ValidationError) as caught:
        save_article(article=new_article(body), by=author, comment="x")
    assert mentioning in " ".join(caught.value.messages)
    assert Article.objects.count() == articles
    assert Version.objects.count() == versions
    return caught.value


def test_dangling_marker_is_refused_on_save_and_nothing_is_written(make_reference, author):
    make_reference("a")

    error = assert_refused("Known[@a], unknown[@no-such-ref].", author, mentioning="[@no-such-ref]")

    assert error.code == "dangling_citation"
    assert "[@a]" not in " ".join(error.messages)


def test_dangling_marker_in_an_edit_leaves_the_saved_article_alone(make_article, author):
    article = make_article()
    original = article.body
    versions = versions_of(article).count()
    article.body = "Now citing[@missing]."

    with pytest.raises(ValidationError, match=r"\[@missing\]"):
        save_article(article=article, by=author, comment="x")

    assert Article.objects.get(pk=article.pk).body.rstrip() == original.rstrip()
    assert citation_keys(article) == [(1, "nccn-2024")]
    assert versions_of(article).count() == versions


def test_body_over_the_limit_is_refused(settings, author):
    settings.VETTED_MAX_BODY_CHARS = 40

    error = assert_refused("x" * 41, author, mentioning="the limit is 40")

    assert error.code == "too_long"


def test_body_at_the_limit_is_accepted(settings, author):
    settings.VETTED_MAX_BODY_CHARS = 40

    article = save_article(article=new_article("x" * 40), by=author, comment="x")

    assert Article.objects.get(pk=article.pk).body.rstrip() == "x" * 40


def test_nul_byte_is_refused(author):
    error = assert_refused("Before\x00after", author, mentioning="NUL")

    assert error.code == "nul"


def test_deeply_nested_body_is_a_validation_error_not_a_crash(author):
    error = assert_refused(NESTED_TOO_DEEP, author, mentioning="too deeply")

    assert error.code == "unrenderable"


def test_marker_in_a_code_span_needs_no_reference(author):
    validate_body("Write `[@key]` to cite a reference.")  # does not raise


def test_duplicate_slug_is_refused_without_a_revision(make_article, author):
    make_article(slug="taken")

    versions = Version.objects.count()
    with pytest.raises(ValidationError) as caught:
        save_article(article=new_article("Fine.", slug="taken"), by=author, comment="x")
    assert "slug" in caught.value.message_dict
    assert Article.objects.filter(slug="taken").count() == 1
    assert Version.objects.count() == versions


def test_saving_reports_every_problem_at_once_each_with_its_line(make_reference, author):
    make_reference("a")
    body = "## Answer\n\nGive platinum. {grade 3D}\n\nKnown[@a], unknown[@no-such-key].\n"

    error = assert_refused(body, author, mentioning="[@no-such-key]")

    assert error.messages[0].startswith("Line 3: {grade 3D} is not an evidence grade.")
    assert error.messages[1] == (
        "Line 5: [@no-such-key] names no reference. Add the reference first, or correct the marker."
    )
    assert [e.code for e in error.error_list] == ["invalid_grade", "dangling_citation"]


def test_a_problem_repeated_on_several_lines_is_reported_on_each(author):
    body = "One[@ghost].\n\nTwo {grade 9Z}.\n\nThree[@ghost] {grade 9Z}.\n"

    error = assert_refused(body, author, mentioning="[@ghost]")

    assert [message[:8] for message in error.messages] == [
        "Line 1: ", "Line 3: ", "Line 5: ", "Line 5: ",
    ]  # fmt: skip
    assert sum("A grade is written" in message for message in error.messages) == 1


def test_an_unrenderable_body_still_reports_its_markers(author):
    body = NESTED_TOO_DEEP + "\n\nSee[@ghost].\n"

    error = assert_refused(body, author, mentioning="too deeply")

    assert {e.code for e in error.error_list} == {"unrenderable", "dangling_citation"}
    assert "Line 3: [@ghost] names no reference." in " ".join(error.messages)
