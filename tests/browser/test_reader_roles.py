import re

from playwright.sync_api import expect

SLUG = "nsclc-her2-exon-20-first-line"


def test_a_patient_and_a_physician_read_their_own_versions(live_server, demo, page, screenshot):
    url = f"{live_server.url}/articles/{SLUG}/"
    page.goto(url)
    chooser = page.get_by_label("Which best describes you?")

    chooser.select_option(label="Patient")  # JavaScript swaps the text in place
    content = page.locator("#reader-content")
    expect(content).to_contain_text("You are reading the version written for: Patient")
    expect(page).to_have_url(re.compile(r"\?role=patient$"))
    expect(content.get_by_text("The most common kind of lung cancer").first).to_be_visible()
    expect(
        page.get_by_role("complementary", name="Please read: this is not medical advice for you")
    ).to_be_visible()
    screenshot(page, "article-patient")

    page.reload()  # the choice stays
    expect(content).to_contain_text("written for: Patient")

    chooser.select_option(label="Physician")
    expect(content).to_contain_text("You are reading the text written for health professionals.")
    expect(content.get_by_role("heading", name="Treatment algorithm")).to_be_visible()
    expect(content.locator(".gloss")).to_have_count(0)
    expect(
        page.get_by_role("complementary", name="Professional medical disclaimer")
    ).to_be_visible()


def test_a_shared_role_link_opens_in_that_role(live_server, demo, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/articles/{SLUG}/?role=caregiver")
    expect(page.locator("#reader-content")).to_contain_text(
        "No version has been written for Caregiver or family member yet"
    )
    expect(page.get_by_label("Which best describes you?")).to_have_value("caregiver")
    context.close()


def test_the_role_form_works_without_javascript(live_server, demo, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/articles/{SLUG}/")
    page.get_by_label("Which best describes you?").select_option(label="Patient")
    page.get_by_role("button", name="Show this version").click()
    expect(page.locator("#reader-content")).to_contain_text("written for: Patient")
    context.close()
