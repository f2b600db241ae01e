"""The whole review loop, by three people in three browsers, as DESIGN.md and issue 3 describe."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_off, signed_in

SLUG = "nsclc-her2-exon-20-first-line"


def _sign_in(browser, base_url, username):
    return signed_in(browser, base_url, username)


def _open_article(page):
    page.get_by_role("link", name=re.compile("HER2 exon 20")).first.click()
    expect(page).to_have_url(re.compile(f"/review/articles/{SLUG}/$"))


def _reopen_article(page):
    """Go to the article's review page from wherever this person's browser is."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    page.goto(f"{origin}/review/articles/{SLUG}/")


def test_submitted_to_approved_and_a_later_edit_stays_off_the_public_page(
    live_server, demo, browser, page, screenshot
):
    base = live_server.url

    reviewer = _sign_in(browser, base, "reviewer")
    expect(reviewer.get_by_role("region", name="Awaiting review")).to_contain_text("HER2")
    _open_article(reviewer)
    reviewer.get_by_role("button", name="Start review").click()
    expect(reviewer.get_by_text("Start review: done.")).to_be_visible()
    reviewer.get_by_label("Reason for “Request changes” (required)").fill(
        "Please give the ESMO guideline year in the summary."
    )
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.get_by_text("Changes requested", exact=True).first).to_be_visible()

    author = _sign_in(browser, base, "author")
    _open_article(author)
    expect(author.get_by_role("region", name="Timeline")).to_contain_text("ESMO guideline year")
    author.get_by_role("link", name="Edit", exact=True).click()
    author.get_by_label("Summary").fill(
        "Platinum-based chemotherapy first, ideally without an immune checkpoint inhibitor "
        "(NCCN 2024, ESMO 2022); T-DXd is preferred after progression."
    )
    author.get_by_label("What changed, and why").fill("Named the guidelines")
    author.get_by_role("button", name="Save changes").click()
    author.get_by_role("button", name="Resubmit").click()
    expect(author.get_by_text("Resubmit: done.")).to_be_visible()

    reviewer2 = _sign_in(browser, base, "reviewer2")
    _open_article(reviewer2)
    reviewer2.get_by_role("button", name="Start review").click()
    changes = reviewer2.get_by_role("region", name=re.compile("since changes were requested"))
    expect(changes).to_contain_text("ESMO 2022")
    expect(changes.get_by_text("Body (unchanged)", exact=True)).to_be_visible()
    screenshot(reviewer2, "review-page")
    # The demo's oncology topic needs two sign-offs: reviewer2's first, then reviewer's.
    sign_off(reviewer2)
    expect(reviewer2.get_by_text(re.compile("stays under review: 1 of 2"))).to_be_visible()
    _reopen_article(reviewer)
    sign_off(reviewer)
    expect(reviewer.get_by_text("Approve (sign-off 2 of 2): done.")).to_be_visible()

    page.goto(f"{base}/articles/{SLUG}/")
    expect(page.get_by_text(re.compile("Approved by Dr. Tomas Lind"))).to_be_visible()
    tracker = page.get_by_role("navigation", name="Article review status")
    expect(tracker.locator('[aria-current="step"]')).to_have_text("Approved")
    expect(page.get_by_text("waiting for review")).to_have_count(0)
    expect(page.get_by_text("(NCCN 2024, ESMO 2022)")).to_be_visible()
    screenshot(page, "article-approved")

    # A later edit goes back through review; readers keep the approved text.
    author.goto(f"{base}/review/articles/{SLUG}/edit/")
    author.get_by_label("Summary").fill("An unreviewed summary.")
    author.get_by_role("button", name="Save changes").click()
    expect(author.get_by_text("needs review before readers see this text")).to_be_visible()
    page.reload()
    expect(page.get_by_text("(NCCN 2024, ESMO 2022)")).to_be_visible()
    expect(page.get_by_text("An unreviewed summary.")).to_have_count(0)


def test_the_author_cannot_approve_their_own_article(live_server, demo, browser):
    from django.contrib.auth.models import Group

    from accounts.models import User

    User.objects.get(username="author").groups.add(Group.objects.get(name="Reviewers"))
    author = _sign_in(browser, live_server.url, "author")
    _open_article(author)
    author.get_by_role("button", name="Start review").click()
    approve = author.get_by_role("button", name="Approve")
    expect(approve).to_be_disabled()
    expect(author.get_by_text("another reviewer must approve it")).to_be_visible()


def _approve_demo(first, second, note=""):
    """`first` starts the review and signs off; `second` gives the oncology topic's second
    sign-off, with the note for readers, and the article is approved."""
    _reopen_article(first)
    first.get_by_role("button", name="Start review").click()
    sign_off(first)
    expect(first.get_by_text(re.compile("stays under review: 1 of 2"))).to_be_visible()
    _reopen_article(second)
    sign_off(second, note=note)
    expect(second.get_by_text("Approve (sign-off 2 of 2): done.")).to_be_visible()


def test_withdrawn_while_a_draft_waits_then_revised_and_back_at_its_address(
    live_server, demo, browser, page, screenshot
):
    base = live_server.url
    reviewer = _sign_in(browser, base, "reviewer")
    reviewer2 = _sign_in(browser, base, "reviewer2")
    _approve_demo(reviewer, reviewer2)

    # The author starts a new draft; readers keep the approved text, and the board can still
    # take that text down.
    author = _sign_in(browser, base, "author")
    author.goto(f"{base}/review/articles/{SLUG}/edit/")
    author.get_by_label("Summary").fill("A draft summary nobody has reviewed.")
    author.get_by_role("button", name="Save changes").click()
    reviewer.reload()
    reviewer.get_by_label("Reason for “Withdraw” (required)").fill(
        "A reader reported an outdated trial figure."
    )
    reviewer.get_by_role("button", name="Withdraw").click()
    expect(reviewer.get_by_text("Withdraw: done.")).to_be_visible()
    expect(reviewer.get_by_text(re.compile("Withdrawn on"))).to_be_visible()
    expect(reviewer.get_by_text("Readers see the version approved by")).to_have_count(0)
    screenshot(reviewer, "review-page-withdrawn")

    response = page.goto(f"{base}/articles/{SLUG}/")
    assert response.status == 410
    expect(page.get_by_text("A reader reported an outdated trial figure.")).to_be_visible()
    screenshot(page, "article-withdrawn")

    author.goto(f"{base}/review/articles/{SLUG}/")
    author.get_by_role("link", name="Edit", exact=True).click()
    author.get_by_label("Summary").fill("Platinum-based chemotherapy first; figures corrected.")
    author.get_by_label("What changed, and why").fill("Corrected the trial figure")
    author.get_by_role("button", name="Save changes").click()
    author.get_by_role("button", name="Resubmit").click()
    expect(author.get_by_text("Resubmit: done.")).to_be_visible()
    assert page.goto(f"{base}/articles/{SLUG}/").status == 410  # not approved yet

    _approve_demo(reviewer2, reviewer, note="Corrected a trial figure a reader reported.")
    response = page.goto(f"{base}/articles/{SLUG}/")
    assert response.status == 200
    expect(page.get_by_text("figures corrected.")).to_be_visible()
    expect(page.get_by_text(re.compile("Approved by Dr. Tomas Lind"))).to_be_visible()
    changes = page.get_by_role("region", name="Changes to this article")
    expect(changes).to_contain_text("Corrected a trial figure a reader reported.")
    screenshot(page, "article-second-edition")
    changes.get_by_role("link", name="Edition 1").click()
    expect(page.get_by_text("You are reading edition 1")).to_be_visible()
    expect(page.get_by_text("figures corrected.")).to_have_count(0)
    screenshot(page, "article-edition-1-permalink")
    expect(page.get_by_text(re.compile("Approved by Dr. Ana Reyes"))).to_be_visible()
