"""personalization.consistency: figures, drugs and trials of a reader version against the default
text. Equivalent forms agree; leaving out is fine; a different or extra figure, drug or trial is
reported."""

from pathlib import Path

import frontmatter
import pytest

from personalization.consistency import figures_in, mismatches, version_mismatches
from personalization.services import save_variant

DEMO = Path(__file__).resolve().parents[2] / "public" / "demo"
DEFAULT = (
    "## Second line\n\n"
    "- The objective response rate was 55% in the DESTINY-Lung01 trial.[@a] {grade 1B}\n"
    "- Median overall survival was 17.8 months with fam-trastuzumab deruxtecan-nxki (T-DXd).\n"
    "- Poziotinib caused rash in 48.9% and diarrhea in 25.6%.\n"
    "- HER2 exon 20 insertions are found in about 2\u20135% of NSCLC cases.\n"
    "- Ado-trastuzumab emtansine (T-DM1) is another option; see IMpower-150.\n"
    "- DESTINY-Lung01 reported 2 fatal cases.\n"
)


def found(version: str, default: str = DEFAULT) -> list[str]:
    return [m.message for m in mismatches(default, version)]


@pytest.mark.parametrize(
    "version",
    [
        "The tumour shrank in 55% of people.",
        "The tumour shrank in 55 percent of people.",
        "The tumour shrank in 55 out of 100 people.",
        "The tumour shrank in 55 in 100 people.",
        "The tumour shrank in 55 per 100 people.",
        "The tumour shrank in about half of the people.",
        "Rash: about 49 out of 100 people (48.9%). Diarrhea: about one in four people.",
        "It is found in about 2 to 5 out of 100 people with NSCLC.",
        "People lived a median of 17.8 months.",
        "In that trial, 2 people died of it.",
    ],
)
def test_equivalent_forms_are_not_mismatches(version):
    assert found(version) == []


def test_about_half_agrees_with_fifty_percent_and_not_with_forty():
    assert found("About half of people", default="It worked in 50% of patients.") == []
    assert found("About half of people", default="It worked in 40% of patients.") == [
        "“About half” (50%): the default text has “40%” instead"
    ]


def test_leaving_figures_out_is_not_a_mismatch():
    assert found("T-DXd is the top choice next.") == []


def test_a_different_number_is_reported_with_the_default_figure_nearest_it():
    assert found("The tumour shrank in 45 out of 100 people.") == [
        "“45 out of 100” (45%): the default text has “48.9%” or “55%” instead"
    ]


def test_a_rounded_figure_without_about_is_a_different_number():
    assert found("Rash: 49 out of 100 people.") != []
    assert found("Rash: about 49 out of 100 people.") == []


def test_a_figure_in_another_unit_is_reported():
    assert found("People lived a median of 17.8 weeks.") == [
        "“17.8 weeks”: the default text has no such figure"
    ]
    assert found("3 people died.") == ["“3 people”: the default text has “2 fatal cases” instead"]


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("They also got carboplatin.", "the drug “carboplatin”: the default text does not name it"),
        ("Lorlatinib was tried.", "the drug “Lorlatinib”: the default text does not name it"),
        (
            "It was tested in KEYNOTE-407.",
            "the trial “KEYNOTE-407”: the default text does not name it",
        ),
        (
            "The CHRYSALIS study tested it.",
            "the trial “CHRYSALIS”: the default text does not name it",
        ),
        ("See the ZENITH20-2 trial.", "the trial “ZENITH20-2”: the default text does not name it"),
    ],
)
def test_an_unknown_drug_or_trial_is_reported(version, message):
    assert found(version) == [message]


@pytest.mark.parametrize(
    "version",
    [
        "Trastuzumab deruxtecan is the top choice.",
        "Enhertu is the top choice.",
        "T-DXd, or fam-trastuzumab deruxtecan-nxki, is the top choice.",
        "T-DM1 (trastuzumab emtansine) is another choice.",
        "It was tested in the IMpower150 and DESTINY-Lung01 trials.",
    ],
)
def test_aliases_are_the_same_drug_or_trial(version):
    assert found(version) == []


def test_half_explaining_a_median_is_not_a_figure():
    sentence = '"Median" is the middle value: half of the people lived longer than this.'
    assert figures_in(sentence) == []


def test_citation_keys_and_grades_are_not_read_as_trials_or_figures():
    version = "Poziotinib helped some people.[@zenith20-2-poziotinib] {grade 2C}"
    assert found(version) == []


def test_the_demo_patient_version_agrees_with_the_default_text():
    default = frontmatter.load(DEMO / "nsclc-her2-exon-20-first-line.md").content
    patient = frontmatter.load(DEMO / "nsclc-her2-exon-20-first-line.patient.md").content
    assert len(figures_in("In 19 out of 100 people, white blood cells got very low.")) == 1
    assert mismatches(default, patient) == ()
    changed = patient.replace("55 out of 100 people (55%)", "45 out of 100 people (45%)")
    assert [m.written for m in mismatches(default, changed)] == ["45 out of 100", "45%"]


def test_each_reader_version_of_an_article_is_compared(make_article, make_reference, author, roles):
    make_reference("nccn-2024")
    article = make_article(body="## Answer\n\nT-DXd worked in 55% of patients.[@nccn-2024]\n")
    for role, body in (("patient", "T-DXd worked in 55 out of 100 people."),
                       ("student", "Pembrolizumab worked in 45% of patients.")):  # fmt: skip
        save_variant(article=article, role=roles[role], summary="", body=body, by=author,
                     comment="")  # fmt: skip
    reports = {report.role.slug: report.mismatches for report in version_mismatches(article)}
    assert list(reports) == ["patient", "student"]
    assert reports["patient"] == ()
    assert [m.written for m in reports["student"]] == ["45%", "Pembrolizumab"]
