"""A reader who asks on a Spanish page is answered in Spanish, with the Spanish article's address;
the editors are told in their own language. (Run with the catalogues compiled: `make messages`.)"""

import pytest
from django.contrib.auth.models import Group

from outbox.models import Email
from questions import services
from questions.models import Question
from questions.workflow import EDITOR_GROUPS
from tests.factories import UserFactory
from tests.questions.conftest import form_data
from tests.translation_fixtures import approve, submit, translate


def _ask_in_spanish(client, slug: str, **overrides):
    return client.post(f"/es/articles/{slug}/questions/", form_data(**overrides))


def _answer(question: Question, by, django_capture_on_commit_callbacks) -> Email:
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(question=question, by=by, answer="Sí, normalmente.")
    return Email.objects.get(dedupe_key=f"question-answer:{question.pk}")


def test_a_question_asked_on_the_spanish_page_is_answered_in_spanish(
    client, article, reviewer, django_capture_on_commit_callbacks
):
    response = _ask_in_spanish(client, article.slug, name="Ana", email="ana@example.org")

    assert response.status_code == 303
    assert response["Location"] == f"/es/articles/{article.slug}/questions/thanks/"
    question = Question.objects.get()
    assert question.language == "es"
    reply = _answer(question, reviewer, django_capture_on_commit_callbacks)
    assert reply.subject == f"Su pregunta sobre «{article.title}»"
    assert reply.body.startswith("Hola, Ana:\n\nGracias por su pregunta sobre")
    assert "La respuesta de nuestros editores:\n\nSí, normalmente." in reply.body
    assert "no un consejo médico para usted" in reply.body
    assert "llame ahora al número de emergencias" in reply.body
    assert f"El artículo: http://127.0.0.1:8000/es/articles/{article.slug}/\n" in reply.body
    assert "Hemos borrado su dirección de correo electrónico" in reply.body
    assert "Thank you" not in reply.body


def test_a_question_on_the_spanish_translation_links_to_its_spanish_address(
    client, original, author, reviewer, bilingual, django_capture_on_commit_callbacks
):
    spanish = translate(original, by=author, title="¿Qué va primero?")
    submit(spanish, by=author)
    approve(spanish, by=bilingual)

    _ask_in_spanish(client, original.slug, email="ana@example.org")

    question = Question.objects.get()
    assert (question.article, question.language) == (spanish, "es")
    reply = _answer(question, reviewer, django_capture_on_commit_callbacks)
    assert reply.subject == "Su pregunta sobre «¿Qué va primero?»"
    assert reply.body.startswith("Hola:\n\n")
    # The translation's public address is its original's under /es/, never its own slug.
    assert "http://127.0.0.1:8000/es/articles/platinum-first/\n" in reply.body


def test_an_english_question_is_answered_in_english_as_before(
    client, article, ask, reviewer, django_capture_on_commit_callbacks
):
    ask(client, article, name="Ann", email="ann@example.org")

    question = Question.objects.get()
    assert question.language == "en"
    reply = _answer(question, reviewer, django_capture_on_commit_callbacks)
    assert reply.subject == f"Your question about \u201c{article.title}\u201d"
    assert reply.body.startswith(
        f"Hello Ann,\n\nThank you for your question about \u201c{article.title}\u201d. "
        "You asked:\n\n> "
    )
    assert (
        "This is general information, not medical advice for you. Please talk to your own care "
        "team before making any decision about treatment. If this is an emergency, call your "
        "local emergency number now (for example 911 in the US or 112 in Europe)."
    ) in reply.body
    assert f"The article: http://127.0.0.1:8000/articles/{article.slug}/\n" in reply.body


@pytest.mark.parametrize(
    ("language", "subject"),
    [("es", "Nueva pregunta de un lector sobre"), ("", "New reader question on")],
)
def test_each_editor_is_told_of_a_question_in_their_own_language(
    client, article, language, subject, django_capture_on_commit_callbacks
):
    editor = UserFactory(username="triage", preferred_language=language)
    editor.groups.add(Group.objects.get_or_create(name=sorted(EDITOR_GROUPS)[0])[0])

    with django_capture_on_commit_callbacks(execute=True):
        _ask_in_spanish(client, article.slug)

    notice = Email.objects.get(recipient=editor)
    assert notice.subject.startswith(subject)
    question = Question.objects.get()
    assert f"/review/questions/{question.pk}/" in notice.body


def test_the_queue_says_which_language_the_reader_wrote_in(client, article, reviewer):
    _ask_in_spanish(client, article.slug)
    question = Question.objects.get()

    client.force_login(reviewer)
    html = client.get(f"/review/questions/{question.pk}/").text

    assert "<dt>Written in</dt><dd>Spanish</dd>" in html  # named in the desk's language
