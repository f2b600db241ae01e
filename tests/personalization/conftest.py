import pytest

from personalization.models import Audience, GlossaryTerm, ReaderRole


@pytest.fixture
def roles(db):
    patient = ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8, order=1
    )
    caregiver = ReaderRole.objects.create(
        slug="caregiver", label="Caregiver or family member", audience=Audience.LAY,
        target_grade=8, order=2, fallback=patient,
    )  # fmt: skip
    student = ReaderRole.objects.create(
        slug="student", label="Student", audience=Audience.PROFESSIONAL, target_grade=12, order=3
    )
    physician = ReaderRole.objects.create(
        slug="physician", label="Physician", audience=Audience.PROFESSIONAL, target_grade=16,
        order=5,
    )  # fmt: skip
    return {r.slug: r for r in (patient, caregiver, student, physician)}


@pytest.fixture
def glossary(db):
    return [
        GlossaryTerm.objects.create(
            term="NSCLC", aliases="non-small cell lung cancer", explanation="A common lung cancer."
        ),
        GlossaryTerm.objects.create(
            term="platinum doublet", explanation="Two chemotherapy drugs, one with platinum."
        ),
    ]


@pytest.fixture
def lay_disclaimer(db):
    from articles.models import Disclaimer

    return Disclaimer.objects.create(
        audience=Disclaimer.Audience.LAY,
        title="Please read: this is not medical advice for you",
        body="Talk to your care team. In an emergency, call your local emergency number.",
    )
