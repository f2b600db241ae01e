"""How pages sit on the screen, measured in Chromium: what issue 18's screenshots showed wrong."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_PASSWORD
from tests.factories import SIGNED_CHECKLIST

SLUG = "nsclc-her2-exon-20-first-line"
ARTICLE = f"/articles/{SLUG}/"
RIS = b"""TY  - JOUR
TI  - Zongertinib in previously treated HER2-mutant non-small-cell lung cancer: a title long
  enough to wrap over several lines of the preview
AU  - Heymach, John V.
PY  - 2025
JO  - The New England Journal of Medicine
DO  - 10.1056/NEJMoa2503704
AN  - 40293180
ER  -
"""


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()


def _approve_demo_twice() -> None:
    """Editions 1 and 2 of the demo article: edition 1 has been replaced."""
    from accounts.models import User
    from articles.models import Article
    from articles.selectors import latest_revision_id
    from review.services import make_move

    article, reviewer = Article.objects.get(slug=SLUG), User.objects.get(username="reviewer")
    reviewer2 = User.objects.get(username="reviewer2")  # the oncology topic needs two sign-offs
    for name, by in (("start_review", reviewer), ("approve", reviewer), ("approve", reviewer2),
                     ("confirm_current", reviewer)):  # fmt: skip
        article.refresh_from_db()
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )


def _gap_below_the_header(page: Page) -> float:
    return page.evaluate(
        """() => {
            const header = document.querySelector('.site-header').getBoundingClientRect();
            const first = document.querySelector('main').firstElementChild;
            return first.getBoundingClientRect().top - header.bottom;
        }"""
    )


@pytest.mark.parametrize("path", [ARTICLE, "/search/?q=HER2", "/editorial-policy/"])
def test_the_first_heading_keeps_clear_of_the_header_bar(live_server, demo, page, path):
    page.goto(live_server.url + path)
    assert _gap_below_the_header(page) >= 16


def test_the_role_fallback_note_is_one_box_not_a_ragged_line_per_line(
    live_server, demo, phone_page, screenshot
):
    phone_page.goto(f"{live_server.url}{ARTICLE}for/caregiver/")
    note = phone_page.locator(".fallback-note")
    expect(note).to_contain_text("No version has been written for Caregiver or family member")
    lines, boxes = note.evaluate(
        "n => [Math.round(n.getBoundingClientRect().height / parseFloat(getComputedStyle(n)"
        ".lineHeight)), n.getClientRects().length]"
    )
    assert lines > 1 and boxes == 1  # wrapped over lines, drawn as one box
    screenshot(phone_page, "fallback-note-phone")


def test_a_replaced_edition_says_so_in_a_notice_that_stands_out(
    live_server, demo, page, screenshot
):
    _approve_demo_twice()
    page.goto(f"{live_server.url}{ARTICLE}editions/1/")
    notice = page.get_by_role("note").filter(has_text="This edition has been replaced")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("link", name="read the current edition")).to_be_visible()
    background, border = notice.evaluate(
        "n => [getComputedStyle(n).backgroundColor,"
        " parseFloat(getComputedStyle(n).borderLeftWidth)]"
    )
    page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background not in (page_background, "rgba(0, 0, 0, 0)") and border >= 3
    screenshot(page, "edition-replaced")


def test_markdown_tables_have_borders_and_padding(
    live_server, transactional_db, make_article, author, editor, seen, page
):
    from review.services import make_move

    body = (
        "## Doses\n\n| Drug | Dose |\n| --- | --- |\n"
        "| T-DXd | 5.4 mg/kg |\n| Poziotinib | 16 mg |\n"
    )
    article = make_article(slug="doses", body=body)
    for name, by in (("submit", author), ("publish_provisionally", editor)):
        make_move(
            name, article=article, by=by, seen_revision_id=seen(article), checklist=SIGNED_CHECKLIST
        )
    page.goto(f"{live_server.url}/articles/doses/")
    cell = page.get_by_role("cell", name="5.4 mg/kg")
    border, padding, collapse = cell.evaluate(
        "c => [parseFloat(getComputedStyle(c).borderTopWidth),"
        " parseFloat(getComputedStyle(c).paddingLeft),"
        " getComputedStyle(c.closest('table')).borderCollapse]"
    )
    assert border >= 1 and padding >= 6 and collapse == "collapse"


def test_the_review_page_is_no_wider_than_the_header(live_server, demo, page, screenshot):
    _sign_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/review/articles/{SLUG}/")
    header, main, footer = page.evaluate(
        "() => ['.site-header .wrap', 'main', '.site-footer .wrap'].map("
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return [Math.round(r.left), Math.round(r.right)]; })"
    )
    assert header == main == footer
    screenshot(page, "review-page")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_reference_import_preview_fits_the_page_and_shows_every_pmid(
    live_server, demo, browser, width, screenshot
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server.url, "author")
    page.goto(f"{live_server.url}/review/references/import/")
    page.get_by_label("Reference file").set_input_files(
        files=[{"name": "refs.ris", "mimeType": "application/x-research-info-systems",
                "buffer": RIS}]
    )  # fmt: skip
    page.get_by_role("button", name="Upload and preview").click()
    pmid = page.get_by_text("40293180", exact=True)
    expect(pmid).to_be_visible()
    main_right = page.evaluate("document.querySelector('main').getBoundingClientRect().right")
    box = pmid.bounding_box()
    assert box["x"] + box["width"] <= min(main_right, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"reference-import-preview-{width}")
    context.close()


def test_citation_links_are_big_enough_to_tap_on_a_phone(live_server, demo, phone_page):
    phone_page.goto(live_server.url + ARTICLE)
    citation = phone_page.get_by_role("link", name="Reference 1").first
    box = citation.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.5.8, target size (minimum)
