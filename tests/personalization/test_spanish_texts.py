"""The Spanish texts of reader roles and glossary entries: what a Spanish page asks for, and
what it gets while a text is not written yet."""

import pytest
from reversion.models import Version

from personalization.glossary import annotate
from personalization.models import GlossaryTerm

pytestmark = pytest.mark.django_db


def test_a_role_speaks_spanish_where_its_spanish_text_is_written(roles):
    patient = roles["patient"]
    patient.label_es, patient.description_es = "Paciente", "Tengo esta enfermedad."
    patient.save()
    assert patient.label_for("es") == "Paciente"
    assert patient.label_for("es-mx") == "Paciente"
    assert patient.description_for("es") == "Tengo esta enfermedad."
    assert patient.label_for("en") == "Patient"
    assert patient.label_for(None) == "Patient"


def test_a_role_without_a_spanish_label_shows_its_english_one_rather_than_nothing(roles):
    student = roles["student"]
    student.description = "I study medicine."
    assert student.label_for("es") == "Student"
    assert student.description_for("es") == "I study medicine."


def test_the_spanish_texts_of_a_role_are_versioned_with_it(roles, admin_user, client):
    client.force_login(admin_user)
    patient = roles["patient"]
    response = client.post(
        f"/admin/personalization/readerrole/{patient.pk}/change/",
        {"label": "Patient", "slug": "patient", "description": "", "audience": "lay",
         "target_grade": "8", "order": "1", "fallback": "", "label_es": "Paciente",
         "description_es": "Tengo esta enfermedad."},
    )  # fmt: skip
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.label_for("es") == "Paciente"
    [version] = Version.objects.get_for_object(patient)
    assert version.field_dict["label_es"] == "Paciente"


def _entry(**spanish) -> GlossaryTerm:
    return GlossaryTerm.objects.create(
        term="neutropenia", explanation="Too few white blood cells.", **spanish
    )


def test_a_spanish_text_is_explained_with_the_spanish_term_and_its_spellings():
    _entry(
        term_es="neutropenia",
        aliases_es="neutropenias, neutropenia febril",
        explanation_es="Tener muy pocos glóbulos blancos.",
    )
    [term] = GlossaryTerm.objects.terms_for("es")
    assert term.surface_forms == ("neutropenia", "neutropenias", "neutropenia febril")
    html = annotate("<p>Puede causar neutropenia febril.</p>", [term])
    assert "neutropenia febril <span" in html and "Tener muy pocos glóbulos blancos" in html


def test_an_entry_with_no_spanish_text_explains_nothing_in_spanish_and_stays_english():
    _entry(term_es="neutropenia")  # no explanation yet: a half-written entry is not shown
    GlossaryTerm.objects.create(term="HER2", explanation="A gene.")
    assert GlossaryTerm.objects.terms_for("es") == []
    english = GlossaryTerm.objects.terms_for("en")
    assert [t.explanation for t in english] == ["A gene.", "Too few white blood cells."]


def test_the_english_terms_are_what_they_were_before_spanish_existed(glossary):
    from personalization.selectors import glossary_terms

    assert GlossaryTerm.objects.terms_for("en") == glossary_terms()
