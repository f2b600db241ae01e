from pathlib import Path

import frontmatter
import pytest

from personalization.readability import reading_grade

DEMO = Path(__file__).resolve().parents[2] / "public" / "demo"


def test_plain_text_scores_a_low_grade_and_dense_text_a_high_one():
    plain = reading_grade("You will get chemo first. It is a strong drug. Your team will help.")
    dense = reading_grade(
        "Concomitant immunomodulatory monoclonal antibody administration necessitates "
        "comprehensive multidisciplinary pharmacovigilance regarding interstitial pneumonitis."
    )
    assert plain.grade < 4 < 14 < dense.grade
    assert set(plain.grades) == {"Flesch-Kincaid", "Coleman-Liau"}


def test_list_items_and_headings_count_as_sentences_of_their_own():
    bullets = reading_grade("## Side effects\n\n- Rash\n- Diarrhea\n- Mouth sores\n")
    run_on = reading_grade("Side effects rash diarrhea mouth sores")
    assert bullets.grade < run_on.grade


def test_citation_markers_do_not_count_as_words():
    assert (
        reading_grade("Chemo comes first.[@a]").words == reading_grade("Chemo comes first.").words
    )


def test_empty_text_has_no_grade():
    assert reading_grade("   ") is None


def test_the_demo_patient_version_reads_at_or_below_its_grade_8_target():
    variant = frontmatter.loads((DEMO / "nsclc-her2-exon-20-first-line.patient.md").read_text())
    grade = reading_grade(variant.content)
    assert grade.flesch_kincaid <= 8 and grade.coleman_liau <= 8, grade
    assert grade.words > 500  # the whole article, not a stub


@pytest.mark.parametrize("formula", ["Flesch-Kincaid", "Coleman-Liau"])
def test_the_clinician_text_reads_well_above_the_patient_version(formula):
    clinician = frontmatter.loads((DEMO / "nsclc-her2-exon-20-first-line.md").read_text())
    patient = frontmatter.loads((DEMO / "nsclc-her2-exon-20-first-line.patient.md").read_text())
    assert reading_grade(clinician.content).grades[formula] > (
        reading_grade(patient.content).grades[formula] + 2
    )
