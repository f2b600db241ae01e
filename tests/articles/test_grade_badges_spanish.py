"""Evidence-grade badges in the language of the text: a Spanish translation's `{grade 1A}` reads
"Grado 1A: recomendación fuerte, evidencia de calidad alta", in the Spanish editorial policy's
words, and links to that policy; English texts keep their badges as they were."""

import html
import re

import pytest
from django.core.management import call_command

from articles.evidence import GRADES
from articles.rendering import ANY_KEY, render_body
from tests.translation_fixtures import approve, submit, translate

BADGE = re.compile(r'<a class="grade [^"]*"[^>]*>.*?</a>')
ENGLISH_BODY = "## Answer\n\nUse a platinum doublet first.[@nccn-2024] {grade 1A}\n"
SPANISH_BODY = "## Respuesta\n\nUtilice primero un doblete de platino.[@nccn-2024] {grade 1A}\n"


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_a_spanish_text_has_spanish_badges_linking_the_spanish_policy():
    (badge,) = BADGE.findall(render_body("Utilice T-DXd. {grade 1A}", ANY_KEY, "es").html)
    assert text_of(badge) == "Grado 1A: recomendación fuerte, evidencia de calidad alta"
    assert 'href="/es/editorial-policy/#evidence-grades"' in badge
    assert 'title="Recomendación fuerte, evidencia de calidad alta"' in badge
    assert 'class="grade grade-1a"' in badge


@pytest.mark.parametrize("language", [None, "en"])
def test_an_english_text_keeps_its_badges(language):
    rendered = render_body("Use T-DXd. {grade 1A}", ANY_KEY, *([language] if language else []))
    (badge,) = BADGE.findall(rendered.html)
    assert text_of(badge) == "Grade 1A: strong recommendation, high-quality evidence"
    assert 'href="/editorial-policy/#evidence-grades"' in badge


def test_the_spanish_badges_say_what_the_spanish_policy_table_says(client, db):
    page = client.get("/es/editorial-policy/").content.decode()
    assert 'id="evidence-grades"' in page  # where every Spanish badge leads
    rows = re.findall(
        r'<tr><th scope="row"><span class="grade grade-(\w\w)">\w\w</span></th>'
        r"<td>(\w+)</td><td>(\w+)",
        page,
    )
    table = {code.upper(): (strength.lower(), quality.lower()) for code, strength, quality in rows}
    assert set(table) == {grade.code for grade in GRADES}
    for grade in GRADES:
        strength, quality = table[grade.code]
        assert grade.meaning_in("es") == (
            f"recomendación {strength}, evidencia de calidad {quality}"
        )


@pytest.fixture
def graded_translation(make_article, make_reference, author, reviewer, bilingual):
    make_reference("nccn-2024")
    original = make_article(slug="platinum-first", title="What comes first?", body=ENGLISH_BODY)
    submit(original, by=author)
    approve(original, by=reviewer)
    translation = translate(original, by=author, title="¿Qué va primero?",
                            summary="El platino primero.", body=SPANISH_BODY)  # fmt: skip
    submit(translation, by=author)
    return approve(translation, by=bilingual)


def test_the_spanish_page_shows_spanish_badges_and_the_english_page_english_ones(
    client, graded_translation
):
    spanish = client.get("/es/articles/platinum-first/").content.decode()
    (badge,) = BADGE.findall(spanish)
    assert text_of(badge) == "Grado 1A: recomendación fuerte, evidencia de calidad alta"
    assert 'href="/es/editorial-policy/#evidence-grades"' in badge

    english = client.get("/articles/platinum-first/").content.decode()
    (badge,) = BADGE.findall(english)
    assert text_of(badge) == "Grade 1A: strong recommendation, high-quality evidence"
    assert 'href="/editorial-policy/#evidence-grades"' in badge


def test_editions_with_spanish_badges_verify(graded_translation, capsys):
    call_command("verify_editions")
    assert "All 2 editions match" in capsys.readouterr().out
