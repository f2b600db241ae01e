"""Two oncologists sign off the demo's oncology article in Chromium: the first sign-off leaves it
Under Review and says what is still needed; the second publishes it, naming both."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_off, signed_in

SLUG = "nsclc-her2-exon-20-first-line"


def _sign_in(browser, base_url, username):
    return signed_in(browser, base_url, username, go_to=f"/review/articles/{SLUG}/")


def test_two_reviewers_sign_off_the_oncology_article(live_server, demo, browser, page, screenshot):
    base = live_server.url
    reviewer = _sign_in(browser, base, "reviewer")
    reviewer.get_by_role("button", name="Start review").click()
    sign_offs = reviewer.get_by_role("region", name="Sign-offs on this revision")
    expect(sign_offs).to_contain_text("0 of 2 sign-offs; still needed: 2 more sign-offs")
    expect(sign_offs).to_contain_text("one from a reviewer with the oncology specialty")
    approve = reviewer.get_by_role("button", name="Approve (sign-off 1 of 2)")
    expect(approve).to_be_enabled()
    # Pressed before the checklist is answered, the browser keeps the form and says so.
    approve.click()
    claims = reviewer.get_by_label("Claims match the cited sources")
    assert claims.evaluate("box => !box.validity.valid")  # required, and not yet ticked
    expect(reviewer.get_by_text(re.compile("Signed off"))).to_have_count(0)
    screenshot(reviewer, "sign-off-checklist")

    sign_off(reviewer)
    expect(reviewer.get_by_text(re.compile("stays under review: 1 of 2 sign-offs"))).to_be_visible()
    sign_offs = reviewer.get_by_role("region", name="Sign-offs on this revision")
    expect(sign_offs).to_contain_text("Dr. Ana Reyes")
    expect(sign_offs).to_contain_text("✓ Doses and numbers checked")
    expect(reviewer.get_by_role("button", name="Approve (sign-off 2 of 2)")).to_be_disabled()
    expect(reviewer.get_by_text(re.compile("You signed off this revision on"))).to_be_visible()
    page.goto(f"{base}/articles/{SLUG}/")
    tracker = page.get_by_role("navigation", name="Article review status")
    expect(tracker.locator('[aria-current="step"]')).to_have_text("Under Review")

    reviewer2 = _sign_in(browser, base, "reviewer2")
    expect(reviewer2.get_by_role("button", name="Approve (sign-off 2 of 2)")).to_be_enabled()
    screenshot(reviewer2, "sign-off-second-reviewer")
    sign_off(reviewer2)
    expect(reviewer2.get_by_text("Approve (sign-off 2 of 2): done.")).to_be_visible()

    page.goto(f"{base}/articles/{SLUG}/")
    expect(tracker.locator('[aria-current="step"]')).to_have_text("Approved")
    byline = page.locator(".byline")
    expect(byline).to_contain_text("Approved by Dr. Ana Reyes, MD, Medical Oncology and")
    expect(byline).to_contain_text("Dr. Tomas Lind, MD, PhD, Thoracic Oncology")
    changes = page.get_by_role("region", name="Changes to this article")
    expect(changes).to_contain_text("Signed off by Dr. Ana Reyes, MD, Medical Oncology;")
    screenshot(page, "sign-off-article-approved")
