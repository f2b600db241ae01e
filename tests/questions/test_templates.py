"""The question pages share one emergency advice and one way of rendering a field."""

import re
from pathlib import Path

import pytest

import questions

EMERGENCY_ADVICE = "questions/includes/emergency_advice.html"
FIELD = "questions/includes/field.html"
TEMPLATES = Path(questions.__file__).parent / "templates" / "questions"


def _used(response) -> list[str]:
    return [template.name for template in response.templates]


def test_every_reader_page_gives_the_emergency_advice_from_one_include(
    client, article, ask, settings
):
    settings.VETTED_QUESTION_RATE = "2/h"
    form_page = client.get(f"/articles/{article.slug}/questions/")
    article_page = client.get(f"/articles/{article.slug}/")
    thanks = client.get(ask(client, article)["Location"])
    urgent = client.get(ask(client, article, question="He has chest pain, what now?")["Location"])
    limited = ask(client, article, question="One question too many?")
    assert limited.status_code == 429
    for response in (form_page, article_page, thanks, urgent, limited):
        assert EMERGENCY_ADVICE in _used(response)
        assert "call your local emergency number" in response.content.decode()
    assert "988" in urgent.content.decode() and "988" not in thanks.content.decode()


def test_the_advice_is_written_once_in_the_templates():
    sources = {path.name: path.read_text() for path in TEMPLATES.rglob("*.html")}
    assert [name for name, text in sources.items() if "112 in Europe" in text] == [
        "emergency_advice.html"
    ]


def test_the_readers_form_renders_its_fields_through_one_include_with_accessible_errors(
    client, article, ask
):
    response = ask(client, article, question="Too short", consent=None)
    html = response.content.decode()
    assert response.status_code == 400 and FIELD in _used(response)
    assert '<label for="question_question">Your question</label>' in html  # no colon added
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in textarea
    assert "question_question_helptext" in textarea and "question_question_error" in textarea
    assert 'id="question_question_error"' in html and 'id="question_question_helptext"' in html
    consent = re.search(r'<input type="checkbox"[^>]*>', html).group(0)
    assert 'aria-describedby="question_consent_error"' in consent


@pytest.mark.parametrize("who", ["reviewer", "admin_user"])
def test_the_queue_pages_render_fields_through_the_include(client, make_question, request, who):
    question = make_question()
    client.force_login(request.getfixturevalue(who))
    assert FIELD in _used(client.get("/review/questions/"))
    detail = client.get(f"/review/questions/{question.pk}/")
    assert FIELD in _used(detail)
    assert '<label for="id_answer">Answer (kept here; the reader left no address)</label>' in (
        detail.content.decode()
    )


def test_the_detail_page_decides_what_to_offer_in_the_view(client, make_question, reviewer):
    question = make_question()
    client.force_login(reviewer)
    context = client.get(f"/review/questions/{question.pk}/").context
    assert context["can_draft"] is True and context["nothing_to_do"] is False
    assert context["can_mark_duplicate"] is False  # no other question on the article yet
    make_question("The same question again?")
    context = client.get(f"/review/questions/{question.pk}/").context
    assert context["can_mark_duplicate"] is True


def test_question_templates_link_by_url_name_not_by_path():
    for path in TEMPLATES.rglob("*.html"):
        assert not re.search(r'(href|action)="/', path.read_text()), path.name


def test_questions_reads_its_settings_without_second_defaults():
    """Defaults live in config/settings/base.py only; a second set here would drift."""
    package = Path(questions.__file__).parent
    for path in package.rglob("*.py"):
        assert "getattr(settings" not in path.read_text(), path.name
