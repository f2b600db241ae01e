"""Spanish texts scored by a Spanish formula (INFLESZ), against each role's floor on that scale."""

from pathlib import Path

import pytest

from personalization.readability import (
    SpanishReadability,
    spanish_floor,
    spanish_readability,
    spanish_syllables,
)

TEXTS = Path(__file__).resolve().parent / "texts"


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("agua", 2), ("día", 2), ("aéreo", 4), ("leer", 2), ("ciudad", 2), ("oído", 3),
        ("quimioterapia", 5), ("tratamiento", 4), ("pingüino", 3), ("actúa", 3), ("hoy", 1),
        ("y", 1), ("mayo", 2), ("que", 1), ("NCCN", 1),
    ],
)  # fmt: skip
def test_syllables_follow_spanish_spelling_diphthongs_and_hiatus(word, syllables):
    assert spanish_syllables(word) == syllables


def test_plain_spanish_reads_easy_and_dense_spanish_reads_hard():
    plain = spanish_readability(
        "El médico le dará un medicamento. Es una pastilla. Tómela cada día."
    )
    dense = spanish_readability(
        "La administración concomitante de anticuerpos monoclonales inmunomoduladores requiere "
        "una farmacovigilancia multidisciplinaria exhaustiva de la neumonitis intersticial."
    )
    assert plain.inflesz >= 65 > 40 > dense.inflesz
    assert plain.band in {"bastante fácil", "muy fácil"} and dense.band == "muy difícil"
    assert plain.fernandez_huerta > dense.fernandez_huerta


def test_the_spanish_patient_text_reads_easier_than_the_spanish_default_text():
    patient = spanish_readability((TEXTS / "nsclc-her2-es.patient.md").read_text())
    default = spanish_readability((TEXTS / "nsclc-her2-es.md").read_text())
    assert patient.meets(spanish_floor(8)), patient  # "bastante fácil" at least
    assert patient.inflesz > default.inflesz + 10


def test_citation_and_grade_markers_are_not_words():
    marked = spanish_readability("Primero, quimioterapia.[@a] {grade 1A}")
    assert marked.words == spanish_readability("Primero, quimioterapia.").words == 2


def test_a_text_without_words_has_no_score():
    assert spanish_readability("  ") is None


@pytest.mark.parametrize(
    ("target_grade", "floor", "band"),
    [(6, 80, "muy fácil"), (8, 65, "bastante fácil"), (12, 55, "normal"), (14, 40, "algo difícil")],
)
def test_each_roles_target_grade_becomes_a_floor_on_the_inflesz_scale(target_grade, floor, band):
    assert spanish_floor(target_grade) == floor
    assert SpanishReadability(floor, 0, 0).band == band
    assert SpanishReadability(floor - 0.1, 0, 0).meets(floor) is False


def test_physicians_have_no_floor():
    assert spanish_floor(16) is None
    assert SpanishReadability(10, 0, 0).meets(None)
