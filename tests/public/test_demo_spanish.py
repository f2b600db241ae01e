"""The Spanish demo texts: they go through the same Markdown pipeline as the English ones, cite
the same references in the same order, keep every grade and every figure, and the glossary
explains them in Spanish."""

import re
from collections import Counter
from pathlib import Path

import frontmatter
import pytest
import yaml

from articles.evidence import GRADE_MARKER
from articles.importing import read_article_file
from articles.rendering import CITATION_MARKER, render_body
from personalization.glossary import Term, annotate
from public.management.commands.load_demo import DEMO_TRANSLATIONS

pytestmark = pytest.mark.django_db  # reading an article file checks its references

DEMO = Path(__file__).resolve().parents[2] / "public" / "demo"
ENGLISH = DEMO / "nsclc-her2-exon-20-first-line.md"
SPANISH, [SPANISH_PATIENT] = DEMO_TRANSLATIONS["es"]
PAIRS = [(ENGLISH, SPANISH), (DEMO / "nsclc-her2-exon-20-first-line.patient.md", SPANISH_PATIENT)]
ids = ["default", "patient"]


def body(path: Path) -> str:
    return frontmatter.loads(path.read_text()).content


def known_keys() -> frozenset[str]:
    return frozenset(reference["key"] for reference in read_article_file(ENGLISH).references)


def numbers(text: str, *, decimal: str) -> set[str]:
    """The figures of a text, written with a decimal comma; markers left out (checked apart)."""
    prose = GRADE_MARKER.sub("", CITATION_MARKER.sub("", text))
    found = re.findall(rf"(?<![\d.,])\d+(?:{re.escape(decimal)}\d+)?", prose)
    return {n.replace(decimal, ",") for n in found}


def test_the_spanish_default_text_is_an_article_file_like_the_english_one():
    english, spanish = read_article_file(ENGLISH), read_article_file(SPANISH)
    assert spanish.slug == f"{english.slug}-es"  # the translation's internal slug
    assert spanish.title.startswith("¿") and spanish.summary
    # The same topics and references: shared rows, so the oncology sign-off rule applies.
    assert (spanish.topics, spanish.references) == (english.topics, english.references)
    assert spanish.literature_current_through == english.literature_current_through


def test_the_spanish_patient_version_is_for_the_same_role():
    english, spanish = (frontmatter.loads(path.read_text()) for path in PAIRS[1])
    assert set(spanish.metadata) == set(english.metadata)
    assert spanish["role"] == english["role"] == "patient" and spanish["summary"]


@pytest.mark.parametrize(("english", "spanish"), PAIRS, ids=ids)
def test_it_renders_with_every_citation_known_and_every_grade_valid(english, spanish):
    rendered = render_body(body(spanish), known_keys())
    assert rendered.dangling_keys == () and rendered.invalid_grades == ()
    assert "citation-missing" not in rendered.html
    # The reference list numbers the same sources in the same order as the English page's.
    assert rendered.cited_keys == render_body(body(english), known_keys()).cited_keys


@pytest.mark.parametrize(("english", "spanish"), PAIRS, ids=ids)
def test_it_keeps_every_citation_and_every_evidence_grade(english, spanish):
    def markers(text: str) -> tuple[Counter, Counter]:
        grades = Counter(m[1].strip().upper() for m in GRADE_MARKER.finditer(text))
        return Counter(CITATION_MARKER.findall(text)), grades

    assert markers(body(spanish)) == markers(body(english))


@pytest.mark.parametrize(("english", "spanish"), PAIRS, ids=ids)
def test_every_figure_of_the_english_text_is_in_the_spanish_one(english, spanish):
    missing = numbers(body(english), decimal=".") - numbers(body(spanish), decimal=",")
    assert missing == set()


def test_the_figure_check_notices_a_changed_figure():
    changed = body(SPANISH).replace("17,8 meses", "18,7 meses")
    assert numbers(body(ENGLISH), decimal=".") - numbers(changed, decimal=",") == {"17,8"}


@pytest.mark.parametrize(("english", "spanish"), PAIRS, ids=ids)
def test_spanish_decimals_use_a_comma_and_percentages_a_space(english, spanish):
    text = body(spanish)
    assert not re.search(r"\d\.\d", GRADE_MARKER.sub("", text))
    assert not re.search(r"\d%", text)


def test_every_glossary_entry_has_a_spanish_term_and_explanation():
    entries = yaml.safe_load((DEMO / "glossary.yaml").read_text())
    for entry in entries:
        assert entry["term_es"].strip() and entry["explanation_es"].strip(), entry["term"]
        assert len(entry["explanation_es"]) <= 300 and len(entry["term_es"]) <= 100


def test_the_spanish_glossary_explains_the_spanish_patient_text_in_spanish():
    entries = yaml.safe_load((DEMO / "glossary.yaml").read_text())
    terms = [
        Term(e["term_es"], (e["term_es"], *(e.get("aliases_es") or [])), e["explanation_es"])
        for e in entries
    ]
    html = render_body(body(SPANISH_PATIENT), known_keys()).html
    annotated = annotate(html, terms)
    assert "Un gen que ayuda a las células a crecer" in annotated  # HER2, first met in prose
    assert annotated.count('class="gloss"') >= 5
    english = {e["explanation"].rstrip(".") for e in entries}
    assert not any(explanation in annotated for explanation in english)
