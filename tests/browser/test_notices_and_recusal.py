"""Walked in Chromium: a conflicted reviewer refused with the reason, a lapsed disclosure renewed
on its page, and a withdrawal followed by an approved correction, whose dated notice readers see
on the article and in its change log (issue 19)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_off
from tests.browser.test_review_loop import SLUG, _open_article, _reopen_article, _sign_in

REASON = "A dosing figure was wrong."
CORRECTION = "The dose of trastuzumab deruxtecan is 5.4 mg/kg every 3 weeks."


def test_a_conflicted_reviewer_is_refused_and_a_lapsed_disclosure_is_renewed(
    live_server, demo, browser, screenshot
):
    from accounts.models import User
    from articles.models import Article
    from contributors.models import Disclosure

    article = Article.objects.get(slug=SLUG)
    reviewer = User.objects.get(username="reviewer")
    conflict = Disclosure.objects.create(
        contributor=reviewer.contributor_profile, declared_on=timezone.localdate(),
        statement="Advisory fees from a maker of HER2-directed drugs.",
    )  # fmt: skip
    conflict.conflict_topics.set(article.topics.all()[:1])
    topic = article.topics.order_by("name").first().name

    page = _sign_in(browser, live_server.url, "reviewer")
    _open_article(page)
    start = page.get_by_role("button", name="Start review")
    expect(start).to_be_disabled()
    expect(page.locator("#why-start_review")).to_contain_text(
        f"You declared a conflict of interest on {topic}"
    )
    expect(page.get_by_role("button", name="Post comment")).to_be_disabled()
    screenshot(page, "review-page-recused")

    # reviewer2's disclosure lapsed: the Approve button says so and links to the renewal page.
    lapsed = Disclosure.objects.current_for(User.objects.get(username="reviewer2").pk)
    lapsed.declared_on = timezone.localdate() - timedelta(days=400)
    lapsed.save()
    other = _sign_in(browser, live_server.url, "reviewer2")
    expect(other.get_by_text("Your disclosure is due for renewal")).to_be_visible()
    _open_article(other)
    other.get_by_role("button", name="Start review").click()
    expect(other.get_by_role("button", name="Approve")).to_be_disabled()
    other.get_by_role("link", name="Renew your disclosure").click()
    heading = other.get_by_role("heading", name="Your conflict-of-interest disclosure")
    expect(heading).to_be_visible()
    screenshot(other, "disclosure-renewal")
    expect(other.get_by_label("I have no conflict of interest to declare")).to_be_checked()
    other.get_by_role("button", name="Renew disclosure").click()
    expect(other.get_by_text("Your disclosure is renewed")).to_be_visible()
    other.goto(f"{live_server.url}/review/")
    expect(other.get_by_text("renewal due")).to_be_visible()
    _open_article(other)
    expect(other.get_by_role("button", name="Approve")).to_be_enabled()


def test_a_withdrawal_and_its_correction_are_dated_notices_on_the_article(
    live_server, demo, browser, page, screenshot
):
    base = live_server.url
    reviewer = _sign_in(browser, base, "reviewer")
    _open_article(reviewer)
    reviewer.get_by_role("button", name="Start review").click()
    sign_off(reviewer)  # the oncology topic needs two sign-offs
    expect(
        reviewer.get_by_text(re.compile("^Signed off. The article stays under review"))
    ).to_be_visible()
    reviewer2 = _sign_in(browser, base, "reviewer2")
    _open_article(reviewer2)
    sign_off(reviewer2, note="First edition.")
    expect(reviewer2.get_by_text("Approve (sign-off 2 of 2): done.")).to_be_visible()

    _reopen_article(reviewer)  # the page as it is now: approved
    reviewer.get_by_label("Reason for “Withdraw” (required)").fill(REASON)
    reviewer.get_by_role("button", name="Withdraw").click()
    expect(reviewer.get_by_text("Withdraw: done.")).to_be_visible()
    assert page.goto(f"{base}/articles/{SLUG}/").status == 410

    author = _sign_in(browser, base, "author")
    _open_article(author)
    author.get_by_role("link", name="Edit", exact=True).click()
    author.get_by_label("What changed, and why").fill("Corrected the dose")
    author.get_by_label("Summary").fill("Platinum-based chemotherapy first; the dose corrected.")
    author.get_by_role("button", name="Save changes").click()
    author.get_by_role("button", name="Resubmit").click()
    expect(author.get_by_text("Resubmit: done.")).to_be_visible()

    _reopen_article(reviewer2)
    reviewer2.get_by_role("button", name="Start review").click()
    sign_off(reviewer2)  # the first sign-off: the correction goes with the one that publishes
    expect(
        reviewer2.get_by_text(re.compile("^Signed off. The article stays under review"))
    ).to_be_visible()
    _reopen_article(reviewer)
    reviewer.get_by_label("This edition corrects a clinically meaningful error").check()
    reviewer.get_by_label(re.compile("The correction, for readers")).fill(CORRECTION)
    screenshot(reviewer, "review-page-correction")
    sign_off(reviewer, note="Corrected the dose.")
    expect(reviewer.get_by_text("Approve (sign-off 2 of 2): done.")).to_be_visible()

    assert page.goto(f"{base}/articles/{SLUG}/").status == 200
    notices = page.get_by_role("region", name="Withdrawal and correction notices")
    expect(notices).to_contain_text(re.compile(rf"Withdrawn on \w+ \d+, \d{{4}}: {REASON}"))
    expect(notices).to_contain_text(re.compile(r"Corrected on \w+ \d+, \d{4}\s+\(edition 2\)"))
    expect(notices).to_contain_text(CORRECTION)
    changes = page.get_by_role("region", name="Changes to this article")
    expect(changes).to_contain_text(f"Correction of a clinically meaningful error: {CORRECTION}")
    expect(changes).to_contain_text(REASON)
    screenshot(page, "article-correction-notice")

    feed = page.goto(f"{base}/feed/").text()
    assert CORRECTION in feed and "Withdrawn on" in feed
