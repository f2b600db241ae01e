"""A reader asks a follow-up question; an editor finds it scrubbed, answers, and the reply goes."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD

SLUG = "nsclc-her2-exon-20-first-line"


def test_a_reader_asks_and_an_editor_answers_by_email(
    live_server, demo, page, browser, settings, screenshot
):
    # The live server runs in this process: no minimum fill time, so no waiting for one.
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    page.goto(f"{live_server.url}/articles/{SLUG}/")
    form = page.get_by_role("region", name="Have a follow-up question?")
    expect(form).to_contain_text("This is not for emergencies")
    form.get_by_label("Your question").fill(
        "My father (DOB 03/04/1961, MRN 8841223, phone 555-867-5309) had T-DXd 5.4 mg/kg. "
        "Is the 55% response in DESTINY-Lung01 the same for people over 60?"
    )
    form.get_by_label("Your e-mail address").fill("reader@example.org")
    form.get_by_label("I am asking as").select_option(label="Caregiver or family member")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Send question").click()
    # The reader sees their question as it will be kept, identifiers removed, and confirms it.
    expect(page.get_by_role("heading", name="Check your question before sending")).to_be_visible()
    preview = page.get_by_role("region", name="This is what we will keep")
    expect(preview).to_contain_text("[date removed]")
    expect(preview).not_to_contain_text("8841223")
    screenshot(page, "question-confirm")
    page.get_by_role("button", name="Send question").click()

    expect(
        page.get_by_role("heading", name=re.compile("we have received your question"))
    ).to_be_visible()
    expect(page.get_by_text("This is not for emergencies.")).to_be_visible()
    screenshot(page, "question-thanks")

    editor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    editor.goto(f"{live_server.url}/accounts/login/")
    editor.get_by_label("Username").fill("reviewer")
    editor.get_by_label("Password").fill(DEMO_PASSWORD)
    editor.get_by_role("button", name="Sign in").click()
    editor.get_by_role("link", name="Readers' questions").click()
    editor.get_by_role("link", name=re.compile("Reader question|DESTINY|response")).first.click()
    question = editor.get_by_role("article")
    expect(question).to_contain_text("[date removed]")
    expect(question).to_contain_text("[record number removed]")
    expect(question).to_contain_text("[phone removed]")
    expect(question).to_contain_text("5.4 mg/kg")  # a dose is not an identifier
    expect(question).to_contain_text("DESTINY-Lung01")
    expect(question).not_to_contain_text("8841223")
    screenshot(editor, "question-queue-detail")

    mail.outbox.clear()
    editor.get_by_role("textbox", name=re.compile("^Answer")).fill(
        "DESTINY-Lung01 reported the response rate for the whole trial group; please ask the "
        "care team how it applies to your father."
    )
    editor.get_by_role("button", name="Save answer and e-mail it").click()
    # The page after the save: the reply went on commit, within that request (tasks are eager).
    expect(editor.get_by_text("Answer saved. It will be e-mailed to the reader.")).to_be_visible()
    replies = [m for m in mail.outbox if m.to == ["reader@example.org"]]
    assert len(replies) == 1, "the reply e-mail was not sent"
    reply = replies[0]
    assert "whole trial group" in reply.body


def test_time_spent_typing_counts_and_the_check_page_shows_the_scrubbed_text(
    live_server, demo, page, settings, screenshot
):
    from questions.models import Question

    settings.VETTED_QUESTION_MIN_SECONDS = 3  # the default: typing on the article page counts
    page.goto(f"{live_server.url}/articles/{SLUG}/")
    form = page.get_by_role("region", name="Have a follow-up question?")
    with page.expect_response(re.compile("/questions/started/")):
        form.get_by_label("Your question").fill(
            "My father (DOB 03/04/1961, MRN 8841223) has chest pain.\n"
            "Is the 55% response in DESTINY-Lung01 the same for people over 60?"
        )
    form.get_by_role("checkbox").check()
    page.wait_for_timeout(3200)  # the reader writes for a few seconds, then sends
    form.get_by_role("button", name="Send question").click()

    expect(page.get_by_role("heading", name="Check your question before sending")).to_be_visible()
    # Urgent words: the emergency advice is on the check page already, before the question.
    expect(page.get_by_role("alert")).to_contain_text("Call your local emergency number now")
    box = page.get_by_label("Your question")
    expect(box).to_have_value(re.compile(r"\[date removed\].*\[record number removed\]"))
    expect(box).not_to_have_value(re.compile("8841223"))
    screenshot(page, "question-check-urgent")

    page.get_by_role("button", name="Edit my original wording instead").click()
    box = page.get_by_label("Your question")
    expect(box).to_have_value(re.compile(r"MRN 8841223\) has chest pain\.\nIs the 55%"))
    box.fill("My father has chest pain.\nIs the 55% response in DESTINY-Lung01 the same over 60?")
    screenshot(page, "question-check-original")
    # One click, at once: the time spent typing on the article page has counted.
    page.get_by_role("button", name="Send question").click()
    urgent = page.get_by_role("heading", name="If you need help now, do not wait for our answer")
    expect(urgent).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("we have received your question"))
    ).to_be_visible()
    assert Question.objects.get().text == (
        "My father has chest pain.\nIs the 55% response in DESTINY-Lung01 the same over 60?"
    )


def test_a_send_too_soon_is_asked_again_with_the_words_kept(
    live_server, demo, page, settings, screenshot
):
    from questions.models import Question

    # Too soon whatever the machine's load (the live server shares these settings) ...
    settings.VETTED_QUESTION_MIN_SECONDS = 3600
    page.route(re.compile("/questions/started/"), lambda route: route.abort())  # no script help
    page.goto(f"{live_server.url}/articles/{SLUG}/")
    form = page.get_by_role("region", name="Have a follow-up question?")
    form.get_by_label("Your question").fill("Is amivantamab given before chemotherapy?")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Send question").click()
    page.get_by_role("button", name="Send question").click()  # at once, from the check page

    expect(page.get_by_role("status")).to_contain_text("Your question has not been sent yet")
    expect(page.get_by_label("Your question")).to_have_value(
        "Is amivantamab given before chemotherapy?"
    )
    screenshot(page, "question-asked-again")
    assert not Question.objects.exists()
    settings.VETTED_QUESTION_MIN_SECONDS = 0  # ... then time enough has passed
    page.get_by_role("button", name="Send question").click()
    expect(
        page.get_by_role("heading", name=re.compile("we have received your question"))
    ).to_be_visible()
    assert Question.objects.count() == 1


def _sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_editor_turns_a_question_into_a_draft_for_an_author(
    live_server, demo, page, browser, screenshot
):
    from articles.models import Article
    from questions import services

    question = services.receive_question(
        article=Article.objects.get(slug=SLUG),
        text="Is amivantamab an option after platinum chemotherapy for exon 20?",
        name="",
        email="",
        reader_role="patient",
        consent=True,
    )
    _sign_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/review/questions/{question.pk}/")
    form = page.get_by_role("form", name="Draft an article from this question")
    expect(form.get_by_label("Address (slug)")).to_have_value(f"{SLUG}-follow-up-{question.pk}")
    form.get_by_label("Author").select_option(label="Sam Carter (author)")
    form.get_by_label("Title").fill("Is amivantamab an option after platinum chemotherapy?")
    form.get_by_label("Address (slug)").fill(SLUG)  # taken: the server says so
    form.get_by_role("button", name="Turn into a draft article").click()

    form = page.get_by_role("form", name="Draft an article from this question")
    expect(form).to_contain_text("Another article already uses the address")
    expect(form.get_by_label("Title")).to_have_value(
        "Is amivantamab an option after platinum chemotherapy?"
    )
    expect(form.get_by_label("Address (slug)")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "question-draft-form")
    form.get_by_label("Address (slug)").fill("amivantamab-after-platinum")
    form.get_by_role("button", name="Turn into a draft article").click()
    expect(page.get_by_text("Draft created for Sam Carter")).to_be_visible()
    expect(
        page.get_by_role("link", name="Is amivantamab an option after platinum chemotherapy?")
    ).to_have_attribute("href", "/review/articles/amivantamab-after-platinum/")

    author = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(author, live_server.url, "author")
    author.goto(f"{live_server.url}/review/")
    mine = author.get_by_role("region", name="My submissions")
    mine.get_by_role("link", name=re.compile("amivantamab an option")).click()
    expect(author.get_by_role("heading", level=1)).to_contain_text("amivantamab")
    expect(author.get_by_role("link", name="Edit", exact=True)).to_be_visible()
