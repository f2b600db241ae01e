"""Comments on the text, walked in Chromium: a reviewer selects a passage with the mouse and
comments on it (blocking, with proposed wording), approval is refused while it is open, the
author accepts the wording with one click and resolves another comment; the decision sits beside
the text on a wide screen and after the checks on a phone."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, signed_in

SLUG = "nsclc-her2-exon-20-first-line"
PASSAGE = "Median overall survival was 17.8 months"
WORDING = "Median overall survival in DESTINY-Lung01 was 17.8 months"
PATIENT_PASSAGE = "a drug called T-DXd is the top choice next"


def _sign_in(browser, base_url: str, username: str, *, phone: bool = False) -> Page:
    return signed_in(browser, base_url, username, go_to=f"/review/articles/{SLUG}/", phone=phone)


def _select_with_the_mouse(page: Page, text_label: str, phrase: str) -> None:
    """Press the mouse before the phrase's first letter in that text and release it after its
    last, as a reviewer does (the script only measures where the letters are)."""
    box = page.evaluate(
        """([label, phrase]) => {
            const root = document.querySelector(`[data-passage-label="${label}"]`);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(phrase);
                if (at < 0) continue;
                node.parentElement.scrollIntoView({block: "center"});
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + phrase.length);
                const rects = range.getClientRects();
                const first = rects[0], last = rects[rects.length - 1];
                return [first.left + 1, first.top + first.height / 2,
                        last.right - 1, last.top + last.height / 2];
            }
            return null;
        }""",
        [text_label, phrase],
    )
    assert box, f"{phrase!r} is not in the {text_label}"
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=8)
    page.mouse.up()


def _comment_on_selection(page: Page, comment: str, *, wording: str = "", blocking=False):
    page.get_by_role("button", name="Comment on this passage").click()
    expect(page.get_by_label("Comment", exact=True)).to_be_focused()
    page.get_by_label("Comment", exact=True).fill(comment)
    if wording:
        page.get_by_label("Proposed wording (optional)").fill(wording)
    if blocking:
        page.get_by_label("Blocks approval until the author resolves it").check()
    page.get_by_role("button", name="Comment on the passage").click()
    expect(page.get_by_text("Your comment is on the passage.")).to_be_visible()


def test_a_passage_comment_blocks_approval_until_the_author_deals_with_it(
    live_server, demo, browser, screenshot
):
    base = live_server.url
    reviewer = _sign_in(browser, base, "reviewer")
    reviewer.get_by_role("button", name="Start review").click()
    expect(reviewer.get_by_text("Start review: done.")).to_be_visible()

    _select_with_the_mouse(reviewer, "Default text", PASSAGE)
    expect(reviewer.get_by_label("Passage", exact=True)).to_have_value(PASSAGE)
    _comment_on_selection(
        reviewer, "Name the trial, as for the response rate.", wording=WORDING, blocking=True
    )
    _select_with_the_mouse(reviewer, "Patient version", PATIENT_PASSAGE)
    expect(reviewer.get_by_label("Text", exact=True)).to_have_value("patient")
    _comment_on_selection(reviewer, "Say that it is given by drip, every three weeks.")

    comments = reviewer.get_by_role("region", name=re.compile("Comments on the text"))
    expect(comments).to_contain_text("2 open of 2")
    expect(reviewer.locator("mark.passage").first).to_have_text(re.compile("Median overall"))
    approve = reviewer.get_by_role("button", name="Approve")
    expect(approve).to_be_disabled()
    decision = reviewer.get_by_role("region", name="Decision")
    expect(decision).to_contain_text(f"blocking comment on \u201c{PASSAGE}\u201d is open")
    reviewer.evaluate("window.scrollTo(0, 0)")
    screenshot(reviewer, "passage-comments-wide")
    _decision_sits_beside_the_text_and_stays_in_view(reviewer)
    reviewer.screenshot(path=str(ARTIFACTS / "passage-comments-sticky.png"))  # the viewport

    # Without a selection the reviewer pastes; a passage not in the text is refused, kept.
    reviewer.get_by_label("Passage", exact=True).fill("pembrolizumab is preferred")
    reviewer.get_by_label("Comment", exact=True).fill("Is this right?")
    reviewer.get_by_role("button", name="Comment on the passage").click()
    expect(reviewer.get_by_text("That passage is not in the text")).to_be_visible()
    expect(reviewer.get_by_label("Comment", exact=True)).to_have_value("Is this right?")

    reviewer.goto(f"{base}/review/articles/{SLUG}/")
    reviewer.get_by_label("Reason for “Request changes” (required)").fill("See my comments.")
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.get_by_text("Request changes: done.")).to_be_visible()

    author = _sign_in(browser, base, "author")
    author.get_by_role("button", name="Accept the proposed wording").click()
    expect(author.get_by_text("The proposed wording is in the text")).to_be_visible()
    expect(author.locator('[data-passage-label="Default text"]')).to_contain_text(WORDING)
    thread = author.locator(".thread", has_text="Say that it is given by drip")
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label(re.compile("Reply to")).fill("Added: by drip, every three weeks.")
    thread.get_by_role("button", name="Post reply").click()
    expect(author.get_by_text("Reply added.")).to_be_visible()
    thread = author.locator(".thread", has_text="Say that it is given by drip")
    thread.get_by_role("button", name="Resolve").click()
    expect(author.get_by_text("Comment resolved.")).to_be_visible()
    expect(author.get_by_role("region", name=re.compile("Comments on the text"))).to_contain_text(
        "0 open of 2"
    )
    author.get_by_role("button", name="Resubmit").click()
    expect(author.get_by_text("Resubmit: done.")).to_be_visible()

    phone = _sign_in(browser, base, "reviewer2", phone=True)
    phone.get_by_role("button", name="Start review").click()
    expect(phone.get_by_text("Start review: done.")).to_be_visible()
    expect(phone.get_by_role("region", name="Decision")).not_to_contain_text("blocking comment")
    expect(phone.get_by_text(re.compile("Wording accepted by Sam Carter"))).to_be_visible()
    _decision_comes_after_the_checks(phone)
    screenshot(phone, "passage-comments-narrow")


def _decision_sits_beside_the_text_and_stays_in_view(page: Page) -> None:
    text_right, decision_left = page.evaluate(
        "() => [document.querySelector('.desk-main').getBoundingClientRect().right,"
        " document.querySelector('.desk-decision').getBoundingClientRect().left]"
    )
    assert decision_left >= text_right
    page.get_by_role("heading", name="Checks").scroll_into_view_if_needed()
    expect(page.get_by_role("heading", name="Decision")).to_be_in_viewport()


def _decision_comes_after_the_checks(page: Page) -> None:
    checks_bottom, decision_top = page.evaluate(
        "() => [document.querySelector('.checks').getBoundingClientRect().bottom,"
        " document.querySelector('.desk-decision').getBoundingClientRect().top]"
    )
    assert decision_top >= checks_bottom
