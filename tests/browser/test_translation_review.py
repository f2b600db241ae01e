"""The demo's Spanish translation, one English text behind, carried through review in Chromium:
the translator moves it on to the English text now shown and resubmits it, the board's two
Spanish readers sign it off, and the Spanish page no longer says it is behind."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_off, signed_in

ENGLISH = "nsclc-her2-exon-20-first-line"
SPANISH = f"{ENGLISH}-es"


def _sign_in(browser, base_url, username):
    return signed_in(browser, base_url, username, go_to=f"/review/articles/{SPANISH}/")


def test_a_translation_behind_is_updated_resubmitted_and_signed_off(
    live_server, demo, browser, page, screenshot
):
    base = live_server.url
    page.goto(f"{base}/es/articles/{ENGLISH}/")
    behind = page.get_by_text(re.compile("El texto original en inglés se actualizó"))
    expect(behind).to_be_visible()

    author = _sign_in(browser, base, "author")
    expect(author.get_by_text(re.compile("Behind the English text"))).to_be_visible()
    author.get_by_role("button", name="Update to the English text now shown").click()
    # The changes to carry over stay in view after the update.
    expect(author.locator("ins", has_text="DESTINY-Lung01")).to_be_visible()
    author.goto(f"{base}/review/articles/{SPANISH}/")
    author.get_by_role("button", name=re.compile("^(Submit for review|Resubmit)$")).click()
    screenshot(author, "translation-resubmitted")

    first = _sign_in(browser, base, "reviewer2")
    first.get_by_role("button", name="Start review").click()
    expect(first.get_by_role("region", name="Facts against the English edition")).to_be_visible()
    sign_off(first)
    expect(first.get_by_text(re.compile("stays under review: 1 of 2 sign-offs"))).to_be_visible()

    second = _sign_in(browser, base, "reviewer")
    sign_off(second, note="Brought in line with the English text: the trial is named.")
    expect(second.get_by_text("Approve (sign-off 2 of 2): done.")).to_be_visible()
    screenshot(second, "translation-signed-off")

    page.goto(f"{base}/es/articles/{ENGLISH}/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text(re.compile("El texto original en inglés se actualizó"))).to_have_count(
        0
    )
    screenshot(page, "translation-up-to-date")
