"""The printed article keeps what a clinician checks and leaves out what paper cannot use."""

from playwright.sync_api import expect

from tests.factories import SIGNED_CHECKLIST

SLUG = "nsclc-her2-exon-20-first-line"


def test_the_printed_page_keeps_dates_reviewer_references_and_disclaimer(
    live_server, demo, page, screenshot
):
    from accounts.models import User
    from articles.models import Article
    from articles.selectors import latest_revision_id
    from review.services import make_move

    article, reviewer = Article.objects.get(slug=SLUG), User.objects.get(username="reviewer")
    reviewer2 = User.objects.get(username="reviewer2")  # the oncology topic needs two sign-offs
    for name, by in (("start_review", reviewer), ("approve", reviewer), ("approve", reviewer2)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    page.goto(f"{live_server.url}/articles/{SLUG}/")
    page.emulate_media(media="print")
    expect(page.get_by_role("region", name="Personalize")).to_be_hidden()
    expect(page.get_by_role("region", name="Have a follow-up question?")).to_be_hidden()
    expect(page.get_by_text("Next review due")).to_be_visible()
    expect(page.locator(".approver")).to_contain_text(["Dr. Ana Reyes", "Dr. Tomas Lind"])
    expect(page.get_by_role("region", name="References")).to_be_visible()
    expect(page.locator(".disclaimer")).to_be_visible()
    screenshot(page, "article-print")


def test_the_printed_page_does_not_ask_the_reader_to_choose_above(live_server, demo, page):
    """Paper has no role chooser: the page's invitation to use it is left out."""
    page.goto(f"{live_server.url}/articles/{SLUG}/")
    invitation = page.get_by_text("Choose who you are above")
    expect(invitation).to_be_visible()
    page.emulate_media(media="print")
    expect(invitation).to_be_hidden()
    assert page.locator(".written-for").inner_text().strip() == "Written for health professionals."
