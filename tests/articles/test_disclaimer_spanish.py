"""The disclaimers' Spanish texts: rendered when saved, as the English ones are, and shown on
Spanish pages only once both title and body are written."""

import pytest

from articles.models import Disclaimer

pytestmark = pytest.mark.django_db

LAY = Disclaimer.Audience.LAY


def _lay(**spanish) -> Disclaimer:
    return Disclaimer.objects.create(
        audience=LAY, title="Please read", body="Talk to your **care team**.", **spanish
    )


def test_the_spanish_body_is_rendered_when_saved_as_the_english_one_is():
    disclaimer = _lay(title_es="Lea esto", body_es="Hable con su **equipo médico**.")
    assert disclaimer.body_html_es == "<p>Hable con su <strong>equipo médico</strong>.</p>"
    disclaimer.body_es = "Llame al <script>alert(1)</script> 112."
    disclaimer.save(update_fields=["body_es"])  # the rendered copy follows a partial save too
    disclaimer.refresh_from_db()
    assert "<script>" not in disclaimer.body_html_es and "112" in disclaimer.body_html_es


def test_a_spanish_page_gets_the_spanish_notice_and_an_english_page_the_english_one():
    _lay(title_es="Lea esto", body_es="Hable con su equipo médico.")
    spanish = Disclaimer.for_audience(LAY, "es")
    assert (spanish.language, spanish.title) == ("es", "Lea esto")
    assert spanish.html == "<p>Hable con su equipo médico.</p>"
    english = Disclaimer.for_audience(LAY, "en")
    assert (english.language, english.title) == ("en", "Please read")
    assert english.html == "<p>Talk to your <strong>care team</strong>.</p>"


@pytest.mark.parametrize("spanish", [{}, {"title_es": "Lea esto"}, {"body_es": "Hable con…"}])
def test_a_notice_not_fully_written_in_spanish_is_shown_whole_in_english(spanish):
    _lay(**spanish)
    text = Disclaimer.for_audience(LAY, "es")
    assert (text.language, text.title) == ("en", "Please read")
    assert "care team" in text.html


def test_an_audience_with_no_notice_has_none_in_any_language():
    assert Disclaimer.for_audience(LAY, "es") is None


def test_the_admin_saves_the_spanish_notice_and_its_rendered_copy(client, admin_user):
    disclaimer = _lay()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/articles/disclaimer/{disclaimer.pk}/change/",
        {"audience": LAY, "title": "Please read", "body": "Talk to your care team.",
         "title_es": "Lea esto", "body_es": "Hable con su *equipo médico*."},
    )  # fmt: skip
    assert response.status_code == 302
    assert Disclaimer.for_audience(LAY, "es").html == "<p>Hable con su <em>equipo médico</em>.</p>"
