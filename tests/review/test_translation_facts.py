"""A translation's review page: its facts against the English edition it translates, its Spanish
reading ease, and the setting that makes a mismatch refuse approval."""

import pytest

from articles.models import Edition
from articles.selectors import latest_revision_id
from personalization.models import Audience, ReaderRole
from personalization.readability import reading_grade, spanish_readability
from personalization.services import save_variant
from review import services
from review.errors import InvalidTransition
from tests.factories import SIGNED_CHECKLIST

ENGLISH = (
    "## Second line\n\n"
    "- The objective response rate of T-DXd was 55% in DESTINY-Lung01.[@nccn-2024] {grade 1B}\n"
    "- Median overall survival was 17.8 months.[@nccn-2024]\n"
)
ENGLISH_PATIENT = "The tumour shrank in 55 out of 100 people (55%) who took T-DXd."
SPANISH = (
    "## Segunda línea\n\n"
    "- La tasa de respuesta objetiva del T-DXd fue del 55 % en DESTINY-Lung01.[@nccn-2024] "
    "{grade 1B}\n"
    "- La mediana de supervivencia global fue de 18,7 meses.[@nccn-2024]\n"
)


@pytest.fixture
def patient_role(db):
    return ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8, order=1
    )


def _through_review(article, author, reviewer, seen):
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))


def _approve(article, reviewer):
    return services.make_move(
        "approve", article=article, by=reviewer, seen_revision_id=latest_revision_id(article),
        checklist=SIGNED_CHECKLIST,
    )  # fmt: skip


@pytest.fixture
def english(make_article, make_reference, author, reviewer, patient_role, seen):
    """An approved English article with a patient version: the edition translations cite."""
    make_reference("nccn-2024")
    article = make_article(slug="her2-second-line", body=ENGLISH)
    save_variant(article=article, role=patient_role, summary="", by=author, comment="",
                 body=ENGLISH_PATIENT)  # fmt: skip
    _through_review(article, author, reviewer, seen)
    _approve(article, reviewer)
    article.refresh_from_db()
    return article


@pytest.fixture
def spanish(make_article, english, author, bilingual, patient_role, seen):
    """Its Spanish translation under review by `reviewer2`, who reads Spanish (`bilingual`: the
    review of a translation needs a reader of its language): the survival figure mistyped, the
    patient version easy and faithful."""
    article = make_article(
        slug="her2-second-line-es", title="¿Cuál es la segunda línea?", body=SPANISH,
        language="es", translation_of=english,
        translates_edition=Edition.objects.get(article=english, number=1),
    )  # fmt: skip
    save_variant(
        article=article, role=patient_role, summary="", by=author, comment="",
        body="El tumor se redujo en 55 de cada 100 personas (55 %) que tomaron T-DXd.",
    )  # fmt: skip
    _through_review(article, author, bilingual, seen)
    return article


def _section(page: str, title_id: str) -> str:
    return page.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_the_review_page_lists_each_texts_facts_against_the_english_edition(
    client, reviewer2, spanish
):
    client.force_login(reviewer2)
    page = client.get(f"/review/articles/{spanish.slug}/").content.decode()
    section = _section(page, "translation-facts-title")
    assert "against the English default text of edition 1:" in section
    assert "2 mismatches" in section
    assert "The figure “17.8 months” is only in the English text." in section
    assert '<q lang="en">Median overall survival was 17.8 months.</q>' in section
    assert "The figure “18,7 meses” (18.7 months) is only in the Spanish text." in section
    assert '<q lang="es">La mediana de supervivencia global fue de 18,7 meses.</q>' in section
    assert "against the English patient version of edition 1:" in section
    assert "the facts match ✓" in section
    assert "Mismatches do not block approval on this site." in section


def test_an_english_article_has_no_translation_check(client, reviewer, english):
    client.force_login(reviewer)
    page = client.get(f"/review/articles/{english.slug}/").content.decode()
    assert "translation-facts-title" not in page
    assert "Reading grade (Flesch-Kincaid · Coleman-Liau)" in page


def test_a_spanish_text_is_scored_on_the_inflesz_scale_against_its_roles_floor(
    client, reviewer2, spanish, author, patient_role
):
    client.force_login(reviewer2)
    page = client.get(f"/review/articles/{spanish.slug}/").content.decode()
    section = _section(page, "versions-title")
    assert "Reading ease (INFLESZ · Fernández-Huerta)" in section
    assert "Flesch-Kincaid" not in section
    assert "65 or more" in section and "Below target" not in section

    save_variant(
        article=spanish, role=patient_role, summary="", by=author, comment="",
        body="La administración concomitante de anticuerpos monoclonales inmunomoduladores "
        "requiere farmacovigilancia multidisciplinaria exhaustiva de la neumonitis intersticial.",
    )  # fmt: skip
    page = client.get(f"/review/articles/{spanish.slug}/").content.decode()
    row = _section(page, "versions-title").split("Patient version")[1].split("</tr>")[0]
    assert "muy difícil" in row and "Below target: simplify" in row


def test_a_mismatch_refuses_approval_only_with_the_setting(settings, reviewer2, spanish):
    settings.VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL = True
    with pytest.raises(InvalidTransition) as refused:
        _approve(spanish, reviewer2)
    assert refused.value.message == (
        "The facts of the default text differ from the English default text of edition 1: the "
        "figure “17.8 months” is only in the English text; the figure “18,7 meses” (18.7 months) "
        "is only in the Spanish text. Make the translation say what the English says before "
        "approval."
    )
    spanish.refresh_from_db()
    assert spanish.state == "under_review"

    settings.VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL = False
    _approve(spanish, reviewer2)
    spanish.refresh_from_db()
    assert spanish.state == "approved"


def test_the_refused_approve_button_says_why_over_http(client, settings, reviewer2, spanish):
    settings.VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL = True
    client.force_login(reviewer2)
    page = client.get(f"/review/articles/{spanish.slug}/").content.decode()
    assert ">Approve</button>" in page and "disabled" in page.split(">Approve</button>")[0][-200:]
    assert "“18,7 meses” (18.7 months) is only in the Spanish text" in page
    assert "A mismatch blocks approval." in page

    response = client.post(
        f"/review/articles/{spanish.slug}/approve/",
        {"seen_revision_id": latest_revision_id(spanish), "comment": "Se ve bien."},
    )
    assert response.status_code == 400
    assert "Make the translation say what the English says" in response.content.decode()
    spanish.refresh_from_db()
    assert spanish.state == "under_review"


def test_a_faithful_translation_is_approved_with_the_setting_on(
    settings, reviewer2, spanish, author
):
    from review.services import edit_article

    settings.VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL = True
    services.make_move("request_changes", article=spanish, by=reviewer2,
                       seen_revision_id=latest_revision_id(spanish), comment="17,8")  # fmt: skip
    edit_article(
        article=spanish, by=author, seen_revision_id=latest_revision_id(spanish),
        title=spanish.title, summary=spanish.summary, body=SPANISH.replace("18,7", "17,8"),
        literature_current_through=spanish.literature_current_through, comment="17,8",
    )  # fmt: skip
    services.make_move("submit", article=spanish, by=author,
                       seen_revision_id=latest_revision_id(spanish))  # fmt: skip
    services.make_move("start_review", article=spanish, by=reviewer2,
                       seen_revision_id=latest_revision_id(spanish))  # fmt: skip
    _approve(spanish, reviewer2)
    spanish.refresh_from_db()
    assert spanish.state == "approved"


def test_a_spanish_reader_version_is_read_against_the_spanish_default_text(
    client, reviewer2, spanish, author, patient_role
):
    save_variant(article=spanish, role=patient_role, summary="", by=author, comment="",
                 body="El tumor se redujo en 45 de cada 100 personas.")  # fmt: skip
    client.force_login(reviewer2)
    page = client.get(f"/review/articles/{spanish.slug}/").content.decode()
    section = _section(page, "consistency-title")
    assert "Patient version: 1 mismatch" in section
    assert "“45 de cada 100” (45%): the default text has “55 %” instead." in section


def test_with_the_readability_setting_a_spanish_version_is_held_to_its_inflesz_floor(
    settings, reviewer2, spanish, author, patient_role
):
    settings.VETTED_READABILITY_BLOCKS_APPROVAL = True
    save_variant(
        article=spanish, role=patient_role, summary="", by=author, comment="",
        body="La administración concomitante de anticuerpos monoclonales inmunomoduladores "
        "requiere farmacovigilancia multidisciplinaria exhaustiva de la neumonitis intersticial.",
    )  # fmt: skip
    with pytest.raises(InvalidTransition) as refused:
        _approve(spanish, reviewer2)
    assert refused.value.message.startswith("The patient version scores ")
    assert "on the INFLESZ scale (muy difícil); its target is 65 or more (bastante fácil)." in (
        refused.value.message
    )


def test_an_easy_spanish_version_is_not_refused_by_the_english_formulas(
    settings, reviewer2, spanish, author, patient_role
):
    """Long sentences of short Spanish words: INFLESZ 70 ("bastante fácil"), which the English
    formulas would put at grade 10, above the patient target of 8."""
    settings.VETTED_READABILITY_BLOCKS_APPROVAL = True
    easy = (
        "Si el cáncer crece, el médico le puede dar otro fármaco que va a las células con HER2 y "
        "les lleva la quimio justo a ellas, y así el tumor se hace más chico en 55 de cada 100 "
        "personas que lo toman."
    )
    assert reading_grade(easy).grade > 8 and spanish_readability(easy).inflesz >= 65
    save_variant(article=spanish, role=patient_role, summary="", by=author, comment="",
                 body=easy)  # fmt: skip
    _approve(spanish, reviewer2)
    spanish.refresh_from_db()
    assert spanish.state == "approved"
