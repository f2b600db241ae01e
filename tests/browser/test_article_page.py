import re

from playwright.sync_api import expect

SLUG = "nsclc-her2-exon-20-first-line"


def test_a_reader_sees_the_pending_article_as_the_seed_shows_it(
    live_server, demo, page, screenshot
):
    page.goto(f"{live_server.url}/articles/{SLUG}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"first-line treatment .* HER2 exon 20 insertion\?")
    )
    expect(page.get_by_text("Medical Advisory Board", exact=True)).to_be_visible()
    expect(page.get_by_role("note").first).to_contain_text("waiting for review")

    tracker = page.get_by_role("navigation", name="Article review status")
    expect(tracker.get_by_role("listitem")).to_have_text(["Submitted", "Under Review", "Approved"])
    expect(tracker.locator('[aria-current="step"]')).to_have_text("Submitted")

    expect(page.get_by_role("link", name="View editorial policy")).to_be_visible()
    expect(page.get_by_role("heading", name="Treatment algorithm")).to_be_visible()
    expect(page.get_by_text("55%").first).to_be_visible()

    references = page.get_by_role("region", name="References")
    expect(references.get_by_role("listitem")).to_have_count(2)
    expect(references.get_by_role("listitem").nth(1)).to_contain_text("ZENITH20-2")

    # A citation number takes the reader to its reference.
    page.get_by_role("link", name="Reference 2").first.click()
    expect(page).to_have_url(re.compile(r"#ref-2$"))

    expect(
        page.get_by_role("complementary", name="Professional medical disclaimer")
    ).to_be_visible()
    screenshot(page, "article-desktop")


def test_the_article_reads_on_a_phone(live_server, demo, phone_page, screenshot):
    phone_page.goto(f"{live_server.url}/articles/{SLUG}/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px wide)"
    screenshot(phone_page, "article-phone")


def test_the_home_page_lists_the_article_and_links_to_it(live_server, demo, page):
    page.goto(live_server.url)
    page.get_by_role("link", name=re.compile("HER2 exon 20")).click()
    expect(page).to_have_url(re.compile(f"/articles/{SLUG}/$"))
