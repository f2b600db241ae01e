"""A Spanish text against the English it translates: real sentences from the seed's facts."""

from pathlib import Path

import frontmatter
import pytest

from articles.rendering import render_body
from personalization.translation_consistency import (
    figures_agree,
    spanish_figures_in,
    spanish_mismatches,
    translation_mismatches,
)

DEMO = Path(__file__).resolve().parents[2] / "public" / "demo"
TEXTS = Path(__file__).resolve().parent / "texts"
KEYS = frozenset({"her2-ex20-guideline-overview", "zenith20-2-poziotinib"})


def _html(markdown_text: str) -> str:
    return render_body(markdown_text, known_keys=KEYS).html


def _english(name: str) -> str:
    return _html(frontmatter.loads((DEMO / name).read_text()).content)


ENGLISH = _english("nsclc-her2-exon-20-first-line.md")
ENGLISH_PATIENT = _english("nsclc-her2-exon-20-first-line.patient.md")
SPANISH = (TEXTS / "nsclc-her2-es.md").read_text()
SPANISH_PATIENT = (TEXTS / "nsclc-her2-es.patient.md").read_text()


def _compare(english_markdown: str, spanish_markdown: str):
    return translation_mismatches(_html(english_markdown), _html(spanish_markdown))


def _said(mismatches) -> set[tuple[str, str, str]]:
    return {(m.kind, m.only_in, m.written) for m in mismatches}


def test_a_faithful_translation_of_the_demo_article_has_no_mismatch():
    assert translation_mismatches(ENGLISH, _html(SPANISH)) == ()


@pytest.mark.parametrize(
    ("english", "spanish", "found"),
    [
        (
            "Median overall survival was 17.8 months.",
            "La mediana de supervivencia global fue de 18,7 meses.",
            {("figure", "en", "17.8 months"), ("figure", "es", "18,7 meses")},
        ),
        (
            "The objective response rate was 55% in the DESTINY-Lung01 trial.",
            "La tasa de respuesta objetiva fue del 45 % en el ensayo DESTINY-Lung01.",
            {("figure", "en", "55%"), ("figure", "es", "45 %")},
        ),
        (
            "The objective response rate was 55% in the DESTINY-Lung01 trial.",
            "La tasa de respuesta objetiva fue del 55 % en el ensayo DESTINY-Lung02.",
            {("trial", "en", "DESTINY-Lung01"), ("trial", "es", "DESTINY-Lung02")},
        ),
        (
            "Preferred option: fam-trastuzumab deruxtecan-nxki (T-DXd). {grade 1B}",
            "Opción preferida: ado-trastuzumab emtansina. {grade 1B}",
            {
                ("drug", "en", "fam-trastuzumab deruxtecan-nxki"),
                ("drug", "es", "ado-trastuzumab emtansina"),
            },
        ),
        (
            "Confirm HER2 exon 20 insertion status with complete molecular testing.",
            "Confirme la inserción en el exón 19 de HER2 con un estudio molecular completo.",
            {("name", "en", "exon 20"), ("name", "es", "exón 19")},
        ),
        (
            "Grade 3 or higher adverse events with T-DXd included neutropenia (19%).",
            "Los acontecimientos adversos de grado 3 con T-DXd incluyeron neutropenia (19 %).",
            {("grade", "en", "Grade 3 or higher"), ("grade", "es", "grado 3")},
        ),
        (
            "The NCCN recommends biomarker testing with a broad multi-gene panel.",
            "Se recomienda el estudio de biomarcadores con un panel multigén amplio.",
            {("name", "en", "NCCN")},
        ),
        (
            "Zongertinib was studied in Beamion LUNG-1.",
            "El zongertinib se estudió en un ensayo de fase 1b.",
            {("trial", "en", "Beamion LUNG-1")},
        ),
        (
            "T-DXd can cause interstitial lung disease, and DESTINY-Lung01 reported 2 fatal cases.",
            "El T-DXd puede causar EPI, y en el DESTINY-Lung01 se notificaron 3 casos mortales.",
            {("figure", "en", "2 fatal cases"), ("figure", "es", "3 casos")},
        ),
    ],
)
def test_a_fact_changed_in_translation_is_listed_on_the_side_that_has_it(english, spanish, found):
    assert _said(_compare(english, spanish)) == found


def test_a_grade_moved_to_another_recommendation_is_seen():
    english = "- Use a platinum doublet. {grade 1A}\n- Leave out immunotherapy. {grade 2C}\n"
    spanish = "- Utilice un doblete de platino. {grade 2C}\n- No asocie inmunoterapia. {grade 1A}\n"
    mismatches = _compare(english, spanish)
    assert {(m.kind, m.only_in) for m in mismatches} == {("grade", "en"), ("grade", "es")}
    in_order = (
        "- Utilice un doblete de platino. {grade 1A}\n- No asocie inmunoterapia. {grade 2C}\n"
    )
    assert _compare(english, in_order) == ()


def test_leaving_a_fact_out_of_a_translation_is_a_mismatch():
    """Unlike a reader version against the default text, a translation says everything."""
    mismatches = translation_mismatches(ENGLISH_PATIENT, _html(SPANISH_PATIENT))
    assert {m.written for m in mismatches if m.only_in == "en"} == {
        "about 2 to 5 out of 100", "NCCN", "PD-L1", "KEYNOTE-189", "IMpower-150", "EGFR", "ESMO",
    }  # fmt: skip
    assert not [m for m in mismatches if m.only_in == "es"]


def test_a_mismatch_names_its_side_and_its_sentence():
    (one,) = _compare(
        "Median overall survival was 17.8 months.", "La mediana de supervivencia fue de 17,8 años."
    )[1:]
    assert one.message == "the figure “17,8 años” (17.8 years) is only in the Spanish text"
    assert one.context == "La mediana de supervivencia fue de 17,8 años."


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("Median overall survival was 5.6 months.", "La mediana fue de 5,6 meses."),
        ("The response rate was 55%.", "La tasa de respuesta fue del 55 %."),
        ("The response rate was 55%.", "La tasa de respuesta fue del 55%."),
        ("The response rate was 55%.", "La tasa de respuesta fue del 55 por ciento."),
        ("The tumour shrank in 55% of people.", "El tumor se redujo en 55 de cada 100 personas."),
        ("The tumour shrank in 55% of people.", "El tumor se redujo en más de la mitad."),
        (
            "The tumour shrank in 57% of people.",
            "El tumor se redujo en casi 6 de cada 10 personas.",
        ),
        ("Diarrhea affected 25% of patients.", "Uno de cada cuatro pacientes tuvo diarrea."),
        ("Half of the patients responded.", "Respondió la mitad de los pacientes."),
        ("About 28 out of 100 people (27.8%).", "Unas 28 de cada 100 personas (27,8 %)."),
        ("It is found in 2\u20135% of NSCLC cases.", "Aparece en el 2-5 % de los casos de CPNM."),
        (
            "It is found in 2\u20135% of NSCLC cases.",
            "Aparece en entre el 2 y el 5 % de los casos.",
        ),
        ("It is found in 2\u20135% of NSCLC cases.", "Aparece en del 2 al 5 % de los casos."),
        ("In 1,000 patients.", "En 1.000 pacientes."),
        ("T-DXd 5.4 mg/kg every 3 weeks.", "T-DXd 5,4 mg/kg cada 3 semanas."),
        ("In DESTINY-Lung01, 2 people died of it.", "En el DESTINY-Lung01, 2 personas murieron."),
        (
            "The preferred drug is trastuzumab deruxtecan.",
            "El preferido es trastuzumab deruxtecán.",
        ),
        ("The preferred drug is T-DXd.", "El fármaco preferido es el trastuzumab deruxtecán."),
        ("Platinum-based chemotherapy comes first.", "Primero, quimioterapia basada en platino."),
        ("Carboplatin with pemetrexed.", "Carboplatino con pemetrexed."),
        ("The IMpower-150 regimen.", "El esquema de IMpower150."),
        ("Zongertinib in Beamion LUNG-1.", "Zongertinib en el ensayo Beamion LUNG-1."),
        ("Use chemotherapy. {grade 1A}", "Utilice quimioterapia. {grade 1A}"),
        ("A grade 1A recommendation.", "Una recomendación de grado 1A."),
        ("Level I evidence.", "Evidencia de nivel 1."),
        ("NCCN category 2A.", "Categoría 2A de la NCCN."),
        ("Grade 3 or higher rash.", "Exantema de grado ≥3."),
        ("Grade 3+ rash.", "Exantema de grado 3 o superior."),
        ("HER2 exon 20 insertions.", "Inserciones en el exón 20 de HER2."),
        ("Grade A evidence.", "Evidencia de grado A."),
        ("Five-year survival: 5 years.", "Supervivencia: 5\u00a0años."),
        ("The response rate was 55%.", "La tasa de respuesta fue del 55\u00a0%."),
        ("Median overall survival was 17.8 months.", "La mediana fue de 17.8 meses."),
    ],
)
def test_equivalent_forms_agree(english, spanish):
    assert _compare(english, spanish) == ()


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("The tumour shrank in 50% of people.", "El tumor se redujo en más de la mitad."),
        ("The tumour shrank in 45% of people.", "El tumor se redujo en más de la mitad."),
        ("The tumour shrank in 62% of people.", "El tumor se redujo en casi 6 de cada 10."),
        ("The tumour shrank in 55% of people.", "El tumor se redujo en 6 de cada 10 personas."),
        ("Median overall survival was 5.6 months.", "La mediana fue de 5,6 semanas."),
        ("The response rate was 55%.", "La tasa de respuesta fue del 5,5 %."),
    ],
)
def test_forms_that_say_something_else_disagree(english, spanish):
    assert _compare(english, spanish) != ()


def test_a_sentence_that_defines_the_median_states_no_fraction():
    defines = "«Mediana» es el valor del medio: la mitad de las personas vivió más tiempo."
    assert spanish_figures_in(defines) == []
    english = 'The median was 17.8 months. "Median" is the middle value: half lived longer.'
    assert _compare(english, f"La mediana fue de 17,8 meses. {defines}") == ()


def test_spanish_decimal_comma_and_thousands_point():
    (survival,) = spanish_figures_in("La mediana de supervivencia fue de 17,8 meses.")
    assert (survival.value, survival.unit) == (17.8, "months")
    (patients,) = spanish_figures_in("Se incluyeron 1.000 pacientes.")
    assert (patients.value, patients.unit) == (1000, "count")


def test_more_than_half_lies_above_fifty_and_nearly_below_sixty():
    (more,) = spanish_figures_in("Más de la mitad respondió.")
    (nearly,) = spanish_figures_in("Casi 6 de cada 10 respondieron.")
    (fifty_five,) = spanish_figures_in("Respondió el 55 %.")
    (fifty,) = spanish_figures_in("Respondió el 50 %.")
    assert figures_agree(more, fifty_five) and figures_agree(nearly, fifty_five)
    assert not figures_agree(more, fifty) and not figures_agree(nearly, fifty)


def test_glossary_explanations_and_citation_numbers_on_the_english_page_are_not_facts():
    english = (
        '<p>NSCLC <span class="gloss">(<span class="visually-hidden">meaning: </span>'
        "a lung cancer seen in 85 out of 100 cases)</span> is common."
        '<sup class="citation"><a href="#ref-1">1</a></sup></p>'
    )
    assert translation_mismatches(english, "<p>El CPNM es frecuente.</p>") == ()


def test_a_spanish_reader_version_is_checked_against_the_spanish_default_text():
    assert spanish_mismatches(SPANISH, SPANISH_PATIENT) == ()  # saying less is allowed
    wrong = "El tumor se redujo en 45 de cada 100 personas. El carboplatino es uno de ellos."
    assert [m.message for m in spanish_mismatches(SPANISH, wrong)] == [
        "“45 de cada 100” (45%): the default text has “48,9 %” or “55 %” instead",
        "the drug “carboplatino”: the default text does not name it",
    ]


def test_a_figure_already_written_as_compared_is_not_repeated():
    assert [m.message for m in _compare("The rate was 55%.", "La tasa fue del 45 %.")] == [
        "the figure “55%” is only in the English text",
        "the figure “45 %” is only in the Spanish text",
    ]
