"""The reader's intake: validation, hostile input, bot traps, the thank-you page."""

import time

import pytest
from django.core import mail
from django.test import Client

from articles.selectors import latest_revision_id
from questions.forms import QuestionForm, blank_question_form, started_token
from questions.models import Question
from review import services as review
from tests.factories import SIGNED_CHECKLIST
from tests.questions.conftest import form_data


def test_the_form_page_shows_the_notices_and_every_field_has_a_label(client, article):
    response = client.get(f"/articles/{article.slug}/questions/")
    html = response.content.decode()
    assert response.status_code == 200
    assert article.title in html and "Have a follow-up question?" in html
    assert "not for emergencies" in html and "911" in html and "112" in html
    assert "dates of birth" in html and "not medical advice" in html
    for name in ("question", "name", "email", "role", "consent", "website"):
        assert f'<label for="question_{name}">' in html
    assert 'name="started"' in html
    assert 'type="checkbox" name="consent"' in html and "checked" not in html


def test_a_question_is_stored_scrubbed_and_the_reader_is_redirected(
    client, article, ask, editor, reviewer, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(
            client,
            article,
            question="My MRN is 1234567; call 555-123-4567. Is 240 mg every 2 weeks right?",
            name="Ann",
            email="ann@example.org",
            role="caregiver",
        )
    assert response.status_code == 303
    assert response["Location"] == f"/articles/{article.slug}/questions/thanks/"
    question = Question.objects.get()
    assert question.text == (
        "My [record number removed]; call [phone removed]. Is 240 mg every 2 weeks right?"
    )
    assert question.removed == ["record number", "phone"]
    assert (question.name, question.email, question.reader_role) == (
        "Ann",
        "ann@example.org",
        "caregiver",
    )
    assert question.consent and question.status == Question.Status.NEW
    # One e-mail to each editor (each its own outbox row).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [editor.email, reviewer.email, admin_user.email]
    )
    assert "1234567" not in mail.outbox[0].body  # the reader's words stay out of e-mail


def test_the_thank_you_page_repeats_the_emergency_advice(client, article, ask):
    response = ask(client, article)
    html = client.get(response["Location"]).content.decode()
    assert "Thank you" in html and "911" in html and "not for emergencies" in html
    assert "may need urgent care" not in html


def test_an_urgent_question_puts_the_emergency_advice_first(client, article, ask):
    response = ask(client, article, question="My husband has chest pain and can't breathe")
    assert Question.objects.get().urgent_reasons == ["chest pain", "trouble breathing"]
    assert "urgent" not in response["Location"]  # not in URLs or access logs
    html = client.get(response["Location"]).content.decode()
    content = html.split('id="main"')[1]
    assert content.index("may need urgent care") < content.index("Thank you")
    assert 'role="alert"' in content and "988" in content
    # Shown once: a later visit is the ordinary page.
    assert "may need urgent care" not in client.get(response["Location"]).content.decode()


def test_validation_errors_rerender_the_page_with_400_and_keep_what_was_typed(client, article, ask):
    response = ask(client, article, question="Too short", name="Ann", consent=None)
    html = response.content.decode()
    assert response.status_code == 400
    assert article.title in html
    assert "at least 10 characters" in html and "Please tick this box" in html
    assert ">\nToo short</textarea>" in html and 'value="Ann"' in html
    assert not Question.objects.exists()


def test_an_oversized_question_is_refused(client, article, ask):
    response = ask(client, article, question="x" * 2001)
    assert response.status_code == 400
    assert "Please shorten your question to 2000 characters or fewer (it has 2001)" in (
        response.content.decode()
    )
    assert not Question.objects.exists()


def test_an_over_long_question_from_the_article_page_gets_one_clear_message(client, article):
    data = form_data(question="x" * 2001)
    del data["started"]  # the article page's form has no timestamp
    response = client.post(f"/articles/{article.slug}/questions/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("Please shorten your question") == 1
    assert "Send question” to send it" not in html and "press “Send question”" not in html
    assert "Check your question before sending" not in html
    # The page the reader fixes it on is timed, so the next press can store it.
    assert 'name="started" value="' in html
    assert not Question.objects.exists()


def test_line_breaks_count_once_whatever_the_browser_sends(client, article, ask):
    text = ("Line of text.\r\n" * 133) + "ok"  # 1,997 characters once CRLF is LF
    assert ask(client, article, question=text).status_code == 303
    assert "\r" not in Question.objects.get().text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("question", "Is this dose right?\x00 I wonder"),
        ("question", "Is this dose right?\x1b[31m red"),
        ("question", "Is this dose right?\x7f delete"),
        ("name", "Ann\x00"),
        ("name", "Ann\r\nBcc: victim@example.org"),
        ("name", "Ann\tSmith"),
        ("name", "Ann\u202eevil"),
        ("email", "ann@example.org\r\nBcc: victim@example.org"),
        ("email", "ann@example.org\n"),
        ("email", "ann@example.org\x00"),
    ],
)
def test_control_characters_are_refused(client, article, ask, field, value):
    response = ask(client, article, **{field: value})
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_tabs_and_newlines_are_fine_in_a_question(client, article, ask):
    assert ask(client, article, question="Two things:\n\t1. dose\n\t2. timing").status_code == 303


def test_an_unknown_role_is_dropped_and_never_echoed(client, article, ask):
    response = ask(client, article, role="<script>alert(1)</script>", question="short")
    assert response.status_code == 400
    assert "alert(1)" not in response.content.decode()
    assert ask(client, article, role="wizard").status_code == 303
    assert Question.objects.get().reader_role == ""


def test_a_script_is_stored_inert_and_shown_escaped_on_the_form(client, article, ask):
    response = ask(client, article, question="<script>alert('x')</script>", consent=None)
    html = response.content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_a_filled_trap_looks_like_success_but_stores_nothing(
    client, article, ask, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, article, website="http://spam.example")
    assert response.status_code == 303
    assert response["Location"] == f"/articles/{article.slug}/questions/thanks/"
    assert not Question.objects.exists() and mail.outbox == []


def _started_on(response) -> str:
    return response.content.decode().split('name="started" value="')[1].split('"')[0]


def test_a_send_sooner_than_a_person_could_is_asked_again_never_thanked(client, article, ask):
    token = started_token(at=time.time() - 1)
    response = ask(client, article, started=token, question="Is 240 mg every 2 weeks right?")
    html = response.content.decode()
    assert response.status_code == 200 and "Location" not in response
    assert "Your question has not been sent yet" in html and "Thank you" not in html
    assert ">\nIs 240 mg every 2 weeks right?</textarea>" in html  # the words are kept
    assert 'class="errors"' not in html  # a notice, not an error
    # The same start time, not a new one: pressing again a moment later sends it.
    assert _started_on(response) == token
    assert not Question.objects.exists()


def test_the_minimum_fill_time_is_a_setting(client, article, ask, settings):
    settings.VETTED_QUESTION_MIN_SECONDS = 120
    assert ask(client, article, started=started_token(at=time.time() - 60)).status_code == 200
    assert not Question.objects.exists()
    assert ask(client, article, started=started_token(at=time.time() - 121)).status_code == 303
    assert Question.objects.count() == 1


def test_time_spent_typing_on_the_article_page_counts_towards_the_minimum(client, article):
    # questions.js put the signed moment of the reader's first keystroke in the article page's
    # form; the check page carries it on, so one quick click there sends the question.
    data = form_data(question="What dose of T-DXd is used second line?")
    del data["started"]
    typing_started = started_token(at=time.time() - 30)
    check = client.post(
        f"/articles/{article.slug}/questions/", {**data, "typing_started": typing_started}
    )
    assert check.status_code == 200
    assert "Check your question before sending" in check.content.decode()
    assert _started_on(check) == typing_started
    sent = client.post(f"/articles/{article.slug}/questions/", {**data, "started": typing_started})
    assert sent.status_code == 303
    assert Question.objects.get().text == "What dose of T-DXd is used second line?"


def test_a_forged_typing_time_counts_for_nothing(client, article):
    data = form_data(question="What dose of T-DXd is used second line?")
    del data["started"]
    check = client.post(f"/articles/{article.slug}/questions/", {**data, "typing_started": "1:x:y"})
    started = _started_on(check)
    assert started != "1:x:y"
    again = client.post(f"/articles/{article.slug}/questions/", {**data, "started": started})
    assert again.status_code == 200 and "has not been sent yet" in again.content.decode()
    assert not Question.objects.exists()


def test_the_start_time_for_the_article_page_is_signed_now_and_never_cached(client, db):
    from questions.forms import seconds_since_started

    response = client.get("/questions/started/")
    assert response.status_code == 200
    assert 0 <= seconds_since_started(response.json()["started"]) < 5
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/questions/started/").status_code == 405


def test_a_missing_or_forged_timestamp_asks_the_person_to_confirm(client, article, ask):
    response = ask(
        client, article, started="forged:value:here",
        question="Keep my words please, my number is 555-123-4567",
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check your question before sending" in html
    assert "Keep my words please" in html and "forged:value:here" not in html
    preview = html.split('class="preview-text"')[1].split("</blockquote>")[0]
    assert "555-123-4567" not in preview  # shown as it will be stored
    assert not Question.objects.exists()


def test_the_article_page_form_is_confirmed_then_stored(client, article, settings):
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    data = form_data(question="What dose of T-DXd is used second line?")
    data.pop("started", None)
    first = client.post(f"/articles/{article.slug}/questions/", data)
    assert first.status_code == 200 and not Question.objects.exists()
    started = first.content.decode().split('name="started" value="')[1].split('"')[0]
    second = client.post(f"/articles/{article.slug}/questions/", {**data, "started": started})
    assert second.status_code == 303
    assert Question.objects.get().text == "What dose of T-DXd is used second line?"


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_publicly_visible_articles_take_questions(client, make_article, method):
    draft = make_article(slug="a-draft")
    response = getattr(client, method)(f"/articles/{draft.slug}/questions/", form_data())
    assert response.status_code == 404
    assert client.get(f"/articles/{draft.slug}/questions/thanks/").status_code == 404


def test_a_withdrawn_article_takes_no_questions(client, article, ask, reviewer):
    for move in ("start_review", "approve"):
        review.make_move(
            move,
            article=article,
            by=reviewer,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    review.make_move(
        "withdraw",
        article=article,
        by=reviewer,
        seen_revision_id=latest_revision_id(article),
        comment="Err",
    )
    assert ask(client, article).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://sub.testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},  # an older browser: Origin only
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_cross_site_post_is_refused_and_nothing_stored(article, settings, headers):
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/articles/{article.slug}/questions/", form_data(), **headers)
    assert response.status_code == 403
    assert "came from a page on another website" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
        {},  # not a browser: no cross-site page can have sent it
    ],
)
def test_a_same_site_post_needs_no_token(article, settings, headers):
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/articles/{article.slug}/questions/", form_data(), **headers)
    assert response.status_code == 303
    assert Question.objects.count() == 1


def test_blank_form_for_the_article_page(db):
    form = blank_question_form("nurse")
    assert form["role"].value() == "nurse" and form["started"].value()
    assert not blank_question_form("nurse", timed=False)["started"].value()
    assert not form.is_bound
    assert blank_question_form("<b>")["role"].value() == ""
    assert isinstance(blank_question_form(), QuestionForm)


def test_the_partial_posts_to_the_intake(article):
    from django.template.loader import render_to_string

    html = render_to_string(
        "questions/includes/form.html",
        {"form": blank_question_form("patient"), "article": article},
    )
    assert f'action="/articles/{article.slug}/questions/"' in html
    assert 'aria-labelledby="ask-question-title"' in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert 'aria-hidden="true"' in html and "question-trap" in html
    assert '<option value="patient" selected>' in html


def test_questions_keep_no_ip_address():
    names = {field.name for field in Question._meta.get_fields()}
    assert not names & {"ip", "ip_address", "remote_addr", "address"}


IDENTIFIED = (
    "My father (DOB 03/04/1961, MRN 8841223, phone 555-867-5309) had T-DXd 5.4 mg/kg. "
    "Is the response the same over 60?"
)


def _from_article_page(client, article, **overrides):
    data = form_data(**overrides)
    del data["started"]
    return client.post(f"/articles/{article.slug}/questions/", data)


def _send_back(client, article, page, **changes):
    """Send the check page's form as the reader's browser would, with any `changes`."""
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False, "")}
    data["consent"] = "on" if data.get("consent") else ""
    return client.post(f"/articles/{article.slug}/questions/", {**data, **changes})


def _box(html: str) -> str:
    return html.split('id="question_question"')[1].split(">", 1)[1].split("</textarea>")[0]


def test_the_check_page_gives_its_instruction_as_text_and_the_box_holds_the_scrubbed_question(
    client, article, settings
):
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    page = _from_article_page(client, article, question=IDENTIFIED)
    html = page.content.decode()
    assert page.status_code == 200 and "Check your question before sending" in html
    assert 'class="errors"' not in html and 'role="alert"' not in html
    box = _box(html)
    assert "[date removed]" in box and "[record number removed]" in box and "5.4 mg/kg" in box
    assert "8841223" not in box and "555-867-5309" not in box and "1961" not in box
    assert "Edit my original wording instead" in html
    sent = _send_back(client, article, page)
    assert sent.status_code == 303
    assert "8841223" not in Question.objects.get().text


def test_a_reader_who_chooses_to_edit_their_original_wording_gets_it_back(
    client, article, settings
):
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    page = _from_article_page(client, article, question=IDENTIFIED)
    editing = _send_back(client, article, page, edit_original="1")
    html = editing.content.decode()
    assert editing.status_code == 200 and not Question.objects.exists()
    assert "8841223" in _box(html) and "as you typed it" in html
    assert "Edit my original wording instead" not in html
    reworded = IDENTIFIED.replace("(DOB 03/04/1961, MRN 8841223, ", "(in his sixties, ")
    sent = _send_back(client, article, editing, question=reworded)
    assert sent.status_code == 303
    assert Question.objects.get().text == reworded.replace("555-867-5309", "[phone removed]")


def test_a_question_with_nothing_to_remove_offers_no_original_to_edit(client, article):
    html = _from_article_page(client, article).content.decode()
    assert "Edit my original wording" not in html and 'name="original"' not in html


def test_urgent_words_bring_the_emergency_advice_to_the_check_page(client, article):
    text = "My husband has chest pain and can\u2019t breathe"  # a phone's curly apostrophe
    page = _from_article_page(client, article, question=text)
    html = page.content.decode()
    content = html.split('id="main"')[1]
    assert "may need urgent care" in content and "988" in content
    assert content.index("may need urgent care") < content.index("This is what we will keep")
    assert 'role="alert"' in content
    assert not Question.objects.exists()
