"""Evidence grades: the `{grade 1A}` marker, its badge, refusal of bad grades, and the list of
recommendations that carry none."""

import html
import re
from pathlib import Path

import frontmatter
import pytest
from django.core.exceptions import ValidationError

from articles.evidence import GRADES, parse_grade, recommendations, ungraded_recommendations
from articles.models import Article
from articles.rendering import ANY_KEY, render_body, render_markdown
from articles.services import save_article, validate_body
from personalization.glossary import Term, annotate

DEMO = Path(__file__).resolve().parents[2] / "public" / "demo" / "nsclc-her2-exon-20-first-line.md"
BADGE = re.compile(r'<a class="grade [^"]*"[^>]*>.*?</a>')


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_a_grade_marker_becomes_a_badge_linking_to_the_policy():
    out = render_markdown("- Use a platinum doublet. {grade 1A}\n")
    (badge,) = BADGE.findall(out)
    assert 'class="grade grade-1a"' in badge
    assert 'href="/editorial-policy/#evidence-grades"' in badge
    assert 'title="Strong recommendation, high-quality evidence"' in badge
    assert "{grade" not in out


def test_a_screen_reader_reads_the_grade_and_its_meaning():
    (badge,) = BADGE.findall(render_markdown("Prefer T-DXd. {grade 2c}"))
    assert text_of(badge) == "Grade 2C: weak recommendation, low-quality evidence"
    assert '<span class="visually-hidden">: weak recommendation' in badge


@pytest.mark.parametrize("code", ["3D", "1D", "0A", "1", "A1", "1A extra", ": 1A", ""])
def test_a_marker_naming_no_grade_stays_as_written_and_is_reported(code):
    marker = f"{{grade {code}}}" if code else "{grade}"
    rendered = render_body(f"Give it. {marker}", ANY_KEY)
    assert marker in html.unescape(rendered.html)
    assert rendered.invalid_grades == (marker,)
    assert "grade-" not in rendered.html


def test_markers_in_code_or_escaped_are_text_not_grades():
    rendered = render_body(r"Write `{grade 1A}` or \{grade 3D} to grade.", ANY_KEY)
    assert "<code>{grade 1A}</code>" in rendered.html
    assert "{grade 3D}" in rendered.html
    assert rendered.invalid_grades == () and 'class="grade' not in rendered.html


def test_the_sanitizer_keeps_only_grade_classes_on_links():
    out = render_markdown(
        '<a class="grade grade-1a evil" href="/x">1A</a> <span class="grade-1a">no</span>'
    )
    assert 'class="grade grade-1a"' in out
    assert "evil" not in out and '<span class="grade-1a">' not in out


def test_every_grade_parses_and_nothing_else_does():
    assert [g.code for g in GRADES] == ["1A", "1B", "1C", "2A", "2B", "2C"]
    assert parse_grade("1b").meaning == "strong recommendation, moderate-quality evidence"
    assert parse_grade("3D") is None and parse_grade("") is None


def test_validate_body_refuses_an_invalid_grade_with_the_syntax():
    with pytest.raises(ValidationError, match=r"\{grade 3D\}.*not an evidence grade") as caught:
        validate_body("Give platinum. {grade 3D}\n")
    assert caught.value.code == "invalid_grade"
    assert "{grade 1A}" in caught.value.message


def test_saving_an_article_with_an_invalid_grade_writes_nothing(author):
    article = Article(slug="graded", title="Graded?", body="Give platinum. {grade 1D}\n")
    with pytest.raises(ValidationError, match="1D"):
        save_article(article=article, by=author, comment="Created")
    assert not Article.objects.filter(slug="graded").exists()


def test_the_editorial_policy_explains_every_grade(client, db):
    page = client.get("/editorial-policy/").content.decode()
    section = page.split('id="evidence-grades"')[1]
    for grade in GRADES:
        assert f'<span class="grade {grade.css_class}">{grade.code}</span>' in section
    assert "board" in section and "GRADE" in section


def test_the_glossary_leaves_a_badge_alone():
    body = render_markdown("Use it. {grade 1A}")
    terms = [Term("evidence", ("evidence", "recommendation"), "What we know.")]
    assert BADGE.findall(annotate(body, terms)) == BADGE.findall(body)


# Which blocks are recommendations ------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "Platinum chemotherapy is recommended first.",
        "It should be given without an ICI.",
        "Preferred option: T-DXd",
        "Use a standard platinum doublet.",
        "Where possible, leave out immune checkpoint inhibitors.",
        "Do not use single-agent immunotherapy.",
        "Chemotherapy plus immunotherapy can be given.",
        "Alternative options:\n\n- Amivantamab (if available).\n",
        "- Other choices:\n    - Poziotinib.\n",
    ],
)
def test_what_says_what_to_do_is_a_recommendation(markdown):
    found = recommendations(render_markdown(markdown))
    assert len(found) == 1 and found[0].grade is None


@pytest.mark.parametrize(
    "markdown",
    [
        "The objective response rate was 55%.",
        "Available data suggest that ICI monotherapy may be less effective.",
        "- Preferred option: T-DXd {grade 1B}\n    - Median overall survival was 17.8 months.\n",
        "## Treatment should start early\n\nResults were mixed.",
    ],
)
def test_findings_and_headings_are_not_recommendations(markdown):
    assert ungraded_recommendations(render_markdown(markdown)) == []


def test_a_graded_recommendation_is_not_listed_as_ungraded():
    body = render_body("- Use platinum.[@a] {grade 1A}\n- Avoid ICIs.[@a]\n", ANY_KEY).html
    found = recommendations(body)
    assert [(r.text, r.grade and r.grade.code) for r in found] == [
        ("Use platinum.", "1A"),
        ("Avoid ICIs.", None),
    ]
    assert [r.text for r in ungraded_recommendations(body)] == ["Avoid ICIs."]


def test_every_recommendation_of_the_demo_article_is_graded():
    body = render_body(frontmatter.load(DEMO).content, ANY_KEY)
    assert body.invalid_grades == ()
    found = recommendations(body.html)
    assert len(found) == 13
    assert ungraded_recommendations(body.html) == []
    codes = {r.text.split(":")[0]: r.grade.code for r in found}
    assert codes["Preferred option"] == "1B"  # T-DXd: phase 2 evidence
    assert found[1].text.startswith("Use a standard platinum doublet")
    assert found[1].grade.code == "1A"
    assert not any("55%" in r.text or "17.8 months" in r.text for r in found)
