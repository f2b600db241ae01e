"""The review page's parts in the person's language: a board member who chose Spanish reads the
move buttons, the refusals, the sign-off panel, the checklist, the timeline and the desk in
Spanish; everyone else reads exactly the English words as before; and whatever a move records
(revision comments, timeline entries, the checklist kept with a sign-off) stays in English. The
moves' explanations and the sign-off rules, defined with the table, read in Spanish on the Spanish
editorial policy page."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from reversion.models import Version

from articles.models import ReviewState, Topic
from articles.selectors import latest_revision_id
from questions import services as questions
from review import comment_rules, schedule, services
from review.errors import NotAllowed
from review.models import ReviewEvent, SignOff, SignOffPolicy
from review.timeline import ACTION_NAMES
from review.workflow import MOVES, STATE_NAMES, refusal
from tests.factories import CHECKLIST_FIELDS


def _in_spanish(user):
    user.preferred_language = "es"
    user.save(update_fields=["preferred_language"])
    return user


def _page(client, user, article) -> str:
    client.force_login(user)
    return client.get(f"/review/articles/{article.slug}/").content.decode()


def _decision(html: str) -> str:
    return html.split('id="actions-title"')[1].split("</section>")[0]


@pytest.fixture
def submitted(make_article, author, seen):
    article = make_article()
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    article.refresh_from_db()
    return article


@pytest.fixture
def two_sign_offs(db):
    """The site's rule: two board members sign off every article."""
    SignOffPolicy.objects.create(topic=None, approvals_required=2, review_days=14)


@pytest.fixture
def under_review(submitted, reviewer, seen, two_sign_offs):
    services.make_move("start_review", article=submitted, by=reviewer,
                       seen_revision_id=seen(submitted))  # fmt: skip
    submitted.refresh_from_db()
    return submitted


def test_a_spanish_reviewer_reads_the_start_review_button_in_spanish(client, reviewer, submitted):
    html = _page(client, _in_spanish(reviewer), submitted)
    assert ">Iniciar revisión</button>" in _decision(html)
    assert ">Start review</button>" not in html


def test_a_spanish_reviewer_reads_the_decision_and_the_checklist_in_spanish(
    client, reviewer2, under_review
):
    html = _page(client, _in_spanish(reviewer2), under_review)
    decision = _decision(html)
    assert ">Solicitar cambios</button>" in decision
    assert ">Aprobar (visto bueno 1 de 2)</button>" in decision
    assert ">Retirar</button>" not in decision  # nothing public to withdraw: left out, as before
    assert "La lista de comprobación del comité" in decision
    assert "Las afirmaciones coinciden con las fuentes citadas" in decision
    assert "Dosis y cifras comprobadas" in decision and "No aplicable" in decision
    assert "Claims match the cited sources" not in decision


def test_an_english_reviewer_reads_exactly_the_english_words(client, reviewer2, under_review):
    decision = _decision(_page(client, reviewer2, under_review))
    assert ">Request changes</button>" in decision
    assert ">Approve (sign-off 1 of 2)</button>" in decision
    assert "The board\u2019s checklist: answer every item before you sign off" in decision
    assert "> Claims match the cited sources</label>" in decision
    assert "Solicitar" not in decision and "Aprobar" not in decision


def test_a_refusal_names_who_may_make_the_move_in_the_person_s_language(author, submitted):
    with translation.override("es"):
        refused = refusal(MOVES["start_review"], article=submitted, user=author)
    assert refused.message == "Solo los revisores pueden iniciar revisión."
    with translation.override("en"):
        refused = refusal(MOVES["start_review"], article=submitted, user=author)
    assert refused.message == "Only reviewers may start review."


def test_a_refused_approval_shows_the_reason_beside_the_button_in_spanish(
    client, reviewer, under_review
):
    """`reviewer` started the review; as a co-author they may not approve it."""
    under_review.co_authors.add(reviewer)
    decision = _decision(_page(client, _in_spanish(reviewer), under_review))
    assert "disabled" in decision.split(">Aprobar (visto bueno 1 de 2)</button>")[0][-200:]
    assert "Usted es autor de este artículo, así que debe aprobarlo otro revisor." in decision


def test_a_refused_move_says_why_in_spanish(client, reviewer2, under_review):
    client.force_login(_in_spanish(reviewer2))
    response = client.post(
        f"/review/articles/{under_review.slug}/request_changes/",
        {"comment": "", "seen_revision_id": latest_revision_id(under_review)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "«Solicitar cambios» necesita un comentario que explique el motivo." in html
    under_review.refresh_from_db()
    assert under_review.state == ReviewState.UNDER_REVIEW


def test_the_same_refusal_reads_in_english_for_an_english_reviewer(client, reviewer2, under_review):
    client.force_login(reviewer2)
    response = client.post(
        f"/review/articles/{under_review.slug}/request_changes/",
        {"comment": "", "seen_revision_id": latest_revision_id(under_review)},
    )
    assert "Request changes needs a comment saying why." in response.content.decode()


def test_the_sign_off_panel_and_the_timeline_read_in_spanish(client, reviewer2, under_review):
    client.force_login(_in_spanish(reviewer2))
    client.post(
        f"/review/articles/{under_review.slug}/approve/",
        {"seen_revision_id": latest_revision_id(under_review), "comment": "", "note": "",
         **CHECKLIST_FIELDS},
    )  # fmt: skip
    html = client.get(f"/review/articles/{under_review.slug}/").content.decode()
    panel = html.split('id="sign-offs-title"')[1].split("</section>")[0]
    assert "Vistos buenos a esta revisión" in panel
    assert "Reglas (las generales del sitio):" in panel and "2 vistos buenos" in panel
    assert "1 de 2 vistos buenos; aún faltan: 1 visto bueno más" in panel
    assert "dio su visto bueno el" in panel
    assert "✓ Las afirmaciones coinciden con las fuentes citadas" in panel
    timeline = html.split('id="timeline-title"')[1]
    assert "inició la revisión" in timeline and "(Enviado → En revisión)" in timeline
    assert "dio su visto bueno (faltan más)" in timeline


def test_what_a_spanish_reviewer_s_moves_record_stays_english(client, reviewer2, under_review):
    """Revision comments, timeline entries and the checklist kept with a sign-off are records:
    read later by anyone, in English, whoever made the move."""
    client.force_login(_in_spanish(reviewer2))
    client.post(
        f"/review/articles/{under_review.slug}/approve/",
        {"seen_revision_id": latest_revision_id(under_review), "comment": "", "note": "",
         **CHECKLIST_FIELDS},
    )  # fmt: skip
    client.post(
        f"/review/articles/{under_review.slug}/request_changes/",
        {"comment": "Cite the trial.", "seen_revision_id": latest_revision_id(under_review)},
    )
    sign_off = SignOff.objects.get(article=under_review, reviewer=reviewer2)
    assert sign_off.checklist[0]["question"] == "Claims match the cited sources"
    held = ReviewEvent.objects.get(article=under_review, action=ReviewEvent.Action.SIGN_OFF)
    assert held.comment == ("Signed off: 1 of 2 sign-offs; still needed: 1 more sign-off.")
    newest = Version.objects.get_for_object(under_review).first()
    assert newest.revision.comment == "Request changes: Cite the trial."


def test_the_move_labels_stay_english_data(db):
    """The table's English words are what the API, the records and outside tests use."""
    with translation.override("es"):
        assert MOVES["start_review"].label == "Start review"
        assert MOVES["submit"].again_label == "Resubmit"
        assert str(STATE_NAMES[ReviewState.UNDER_REVIEW]) == "En revisión"
    with translation.override("en"):
        for state in ReviewState:
            assert STATE_NAMES[state] == state.label
        for action in ReviewEvent.Action:
            assert ACTION_NAMES[action] == action.label


def test_the_desk_reads_in_spanish(client, editor, submitted):
    html = _page(client, _in_spanish(editor), submitted).replace("\n", " ")
    client.force_login(editor)
    dashboard = client.get("/review/").content.decode()
    assert "La mesa de revisión" in dashboard and "Por estado" in dashboard
    assert '<th scope="row">En revisión</th>' in dashboard
    assert "Esperando al comité, por antigüedad" in dashboard
    assert "menos de 7 días" in dashboard
    assert "Calendario" not in html  # nothing scheduled: no panel


def test_the_questions_queue_reads_in_spanish(client, editor, make_article, author, seen):
    article = make_article(slug="asked-about")
    question = questions.receive_question(
        article=article, text="¿Se usa antes de la quimioterapia?", consent=True, name="",
        email="", reader_role="patient",
    )  # fmt: skip
    client.force_login(_in_spanish(editor))
    listing = client.get("/review/questions/").content.decode()
    assert "Preguntas de los lectores" in listing
    assert '<span class="state state-new">Nueva</span>' in listing
    assert "Artículo (su dirección o palabras de su título)" in listing  # the filter's label
    assert ">Abiertas (nuevas o clasificadas)</option>" in listing
    detail = client.get(f"/review/questions/{question.pk}/").content.decode()
    assert f"Pregunta de lector {question.pk}" in detail
    assert ">Marcar como clasificada</button>" in detail and ">Marcar como spam</button>" in detail
    assert "Respuesta (se guarda aquí; el lector no dejó dirección)" in detail


def test_a_topic_policy_names_its_topics_in_the_spanish_panel(client, reviewer2, under_review):
    oncology = Topic.objects.create(name="Oncology", slug="oncology", name_es="Oncología")
    bones = Topic.objects.create(name="Bones", slug="bones")  # no Spanish name written yet
    SignOffPolicy.objects.create(topic=oncology, approvals_required=1, review_days=10)
    SignOffPolicy.objects.create(topic=bones, approvals_required=1, review_days=10)
    under_review.topics.add(oncology, bones)
    panel = _page(client, _in_spanish(reviewer2), under_review)
    assert 'Reglas (<span lang="en">Bones</span>, Oncología):' in panel
    assert "1 visto bueno" in panel


def test_a_translation_s_panel_and_readability_read_in_spanish(
    client, bilingual, spanish_submitted
):
    html = _page(client, _in_spanish(bilingual), spanish_submitted)
    assert '<h2 id="translation-title">Traducción al español</h2>' in html
    assert "Este texto traduce" in html
    assert "Facilidad de lectura (INFLESZ · Fernández-Huerta)" in html
    # What the facts are checked against, named in Spanish.
    assert "en comparación con el texto por defecto en inglés de la edición 1" in html
    assert ">Iniciar revisión</button>" in _decision(html)


def test_a_reviewer_who_does_not_read_spanish_is_told_why_in_spanish(
    client, reviewer, spanish_submitted
):
    decision = _decision(_page(client, _in_spanish(reviewer), spanish_submitted))
    assert (
        "Esta es la traducción al español, y su perfil de colaborador no incluye el español "
        "entre los idiomas que lee: debe revisarla un revisor que lea español."
    ) in decision
    client.force_login(reviewer)
    reviewer.preferred_language = "en"
    reviewer.save(update_fields=["preferred_language"])
    english = _decision(client.get(f"/review/articles/{spanish_submitted.slug}/").content.decode())
    assert (
        "This is the Spanish translation, and your contributor profile does not list Spanish "
        "among the languages you read: a reviewer who reads Spanish must review it."
    ) in english


def test_a_comment_rule_refuses_in_the_person_s_language(reviewer2, submitted):
    with translation.override("es"):
        assert comment_rules.may_resolve(submitted, reviewer2) == (
            "Solo los autores de este artículo o un editor pueden resolver sus comentarios."
        )
    assert comment_rules.may_resolve(submitted, reviewer2) == (
        "Only this article's authors or an editor may resolve comments on it."
    )


def test_a_refused_service_says_why_in_the_person_s_language(author, submitted):
    later = timezone.localdate() + timedelta(days=30)
    with translation.override("es"), pytest.raises(NotAllowed) as refused:
        schedule.schedule_re_review(article=submitted, by=author, due_on=later)
    assert refused.value.message == (
        "Solo los editores o los administradores pueden programar una nueva revisión."
    )
    with pytest.raises(NotAllowed) as refused:
        schedule.schedule_re_review(article=submitted, by=author, due_on=later)
    assert refused.value.message == "Only editors or admins may schedule a re-review."


def test_the_spanish_policy_page_explains_the_moves_and_rules_in_spanish(client, two_sign_offs):
    spanish = client.get("/es/editorial-policy/").content.decode()
    assert "Un revisor sin conflictos de intereses declarados sobre sus temas lo" in spanish
    assert "Todos los artículos (regla general del sitio)" in spanish
    assert "2 miembros del consejo dan su visto bueno" in spanish
    # The moves by their Spanish names, the checklist's questions in Spanish.
    assert "<dt>Iniciar revisión</dt>" in spanish and "<dt>Start review</dt>" not in spanish
    assert "Claims match the cited sources" not in spanish
    english = client.get("/editorial-policy/").content.decode()
    assert "returns it to the author, saying what must change." in english
    assert "Every article (site default)" in english and "2 board members sign off" in english


def test_the_diff_and_the_reading_ease_name_fields_and_roles_in_spanish(
    client, bilingual, spanish_submitted, author
):
    from personalization.models import ReaderRole
    from personalization.services import save_variant

    patient = ReaderRole.objects.create(
        slug="patient", label="Patient", label_es="Paciente", audience="lay", target_grade=8
    )
    save_variant(
        article=spanish_submitted, role=patient, summary="Primero, platino.",
        body="Primero se usa un doblete de platino.", by=author, comment="Paciente",
    )  # fmt: skip
    html = _page(client, _in_spanish(bilingual), spanish_submitted)
    # The diff's fields (changed or not) and the reader version's, in Spanish.
    for label in ("Pregunta (título)", "Bibliografía actualizada hasta", "Versión para Paciente"):
        assert f"<dt>{label}" in html, label
    assert '<th scope="row">Versión para Paciente</th>' in html  # the INFLESZ table's row
    assert "Versión para Patient" not in html
