"""An outside specialist advises through their link, the board sees it, the editors' desk shows
the whole board's work, and an approval scheduled for a later day goes live on that day."""

import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import Email
from review import tasks
from review.models import ReviewAssignment
from tests.browser.conftest import sign_off, signed_in

SLUG = "nsclc-her2-exon-20-first-line"


def _sign_in(browser, base_url, username):
    return signed_in(browser, base_url, username)


def test_a_specialist_advises_through_the_link_and_the_board_reads_it(
    live_server, demo, browser, page, screenshot
):
    base = live_server.url
    editor = _sign_in(browser, base, "editor")
    desk = editor.get_by_role("region", name="The desk")
    expect(desk.get_by_role("region", name="By state")).to_contain_text("Submitted")
    screenshot(editor, "editor-desk")

    editor.goto(f"{base}/review/articles/{SLUG}/")
    outside = editor.get_by_role("region", name=re.compile("Outside specialists. advice"))
    outside.get_by_text("Invite an outside specialist").click()
    outside.get_by_label("Specialist's name").fill("Dr. Lena Berg")
    outside.get_by_label("E-mail address").fill("lena.berg@example.net")
    outside.get_by_label("Credentials").fill("MD, PhD, thoracic oncology")
    outside.get_by_role("button", name="Send invitation").click()
    expect(editor.get_by_text(re.compile("Invitation e-mailed to Dr. Lena Berg"))).to_be_visible()

    link = re.search(r"http\S+/review/outside/\S+/", Email.objects.get(
        to="lena.berg@example.net").body).group(0)  # fmt: skip
    page.goto(base + link[link.index("/review/outside/") :])
    expect(page.get_by_role("heading", level=1)).to_contain_text("HER2 exon 20")
    expect(page.get_by_role("region", name="The text under review (read-only)")).to_contain_text(
        "trastuzumab deruxtecan"
    )
    page.get_by_label("Approve after changes").check()
    page.get_by_label("Your comments for the board").fill(
        "Give the T-DXd dose (5.4 mg/kg every 3 weeks) next to the recommendation."
    )
    page.get_by_role("region", name="Your advice").screenshot(
        path=str(screenshot(page, "specialist-form").with_name("specialist-advice-form.png"))
    )
    page.get_by_role("button", name="Send my advice to the board").click()
    expect(page.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    expect(page.get_by_text("5.4 mg/kg every 3 weeks")).to_be_visible()
    screenshot(page, "specialist-thanks")
    # The link opens nothing else: the review area still asks for a sign-in.
    page.goto(f"{base}/review/articles/{SLUG}/")
    expect(page).to_have_url(re.compile("/accounts/login/"))

    reviewer = _sign_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/review/articles/{SLUG}/")
    advice = reviewer.get_by_role("region", name=re.compile("Outside specialists. advice"))
    expect(advice).to_contain_text("Dr. Lena Berg, MD, PhD, thoracic oncology")
    expect(advice).to_contain_text("Approve after changes")
    expect(advice).to_contain_text("5.4 mg/kg every 3 weeks")
    advice.screenshot(path=str(
        screenshot(reviewer, "review-page-outside-advice").with_name("outside-advice-region.png")
    ))  # fmt: skip


def test_an_approval_scheduled_for_a_later_day_goes_live_on_it(
    live_server, demo, browser, page, screenshot
):
    base = live_server.url
    reviewer = _sign_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/review/articles/{SLUG}/")
    reviewer.get_by_role("button", name="Start review").click()
    sign_off(reviewer)  # the first of the oncology topic's two sign-offs
    reviewer2 = _sign_in(browser, base, "reviewer2")
    reviewer2.goto(f"{base}/review/articles/{SLUG}/")
    on = timezone.localdate() + timedelta(days=3)
    approve = reviewer2.get_by_role("form", name=re.compile("^Approve"))
    approve.get_by_label(re.compile("Publish on")).fill(on.isoformat())
    sign_off(reviewer2, note="First edition.")
    reviewer = reviewer2
    schedule = reviewer.get_by_role("region", name="Schedule")
    expect(schedule).to_contain_text(f"Goes live on {on:%B} {on.day}, {on.year}")
    schedule.screenshot(path=str(
        screenshot(reviewer, "review-page-go-live").with_name("schedule-region.png")
    ))  # fmt: skip

    page.goto(f"{base}/articles/{SLUG}/")  # readers keep what they saw
    expect(page.get_by_role("heading", level=1)).to_contain_text("HER2 exon 20")
    expect(page.get_by_text(re.compile("Approved by Dr. Ana Reyes"))).to_have_count(0)

    moment = timezone.make_aware(datetime.combine(on, time(0, 5)))
    assert tasks.publish_scheduled(now=moment.isoformat()) == 1
    page.goto(f"{base}/articles/{SLUG}/")
    expect(page.get_by_text(re.compile("Approved by Dr. Ana Reyes"))).to_be_visible()
    screenshot(page, "article-gone-live")

    editor = _sign_in(browser, base, "editor")
    editor.goto(f"{base}/review/articles/{SLUG}/")
    expect(editor.get_by_role("region", name="Timeline")).to_contain_text("Went live as scheduled")


def test_a_reminder_goes_out_through_the_outbox_and_the_queues_show_what_is_due(
    live_server, demo, browser, screenshot
):
    base = live_server.url
    admin = _sign_in(browser, base, "admin")
    admin.goto(f"{base}/review/articles/{SLUG}/")
    admin.get_by_label("Reviewer", exact=True).select_option(label="Dr. Ana Reyes")
    admin.get_by_role("button", name="Assign reviewer").click()
    due = admin.get_by_role("region", name="Schedule")
    expect(due).to_contain_text("Dr. Ana Reyes")
    assignment = ReviewAssignment.objects.get(article__slug=SLUG, reviewer__username="reviewer")

    assert assignment.due_on == timezone.localdate() + timedelta(days=10)  # the oncology policy
    # Eight days on: its reviewer has two days left.
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_on=timezone.localdate() + timedelta(days=2)
    )
    assert tasks.remind_assignments_due() == 1
    admin.goto(f"{base}/admin/outbox/email/")
    expect(admin.get_by_text(re.compile("Review due on .* HER2 exon 20")).first).to_be_visible()
    screenshot(admin, "outbox-reminder")

    reviewer = _sign_in(browser, base, "reviewer")
    assigned = reviewer.get_by_role("region", name=re.compile("Assigned to me"))
    expect(assigned).to_contain_text("Due soon")
    expect(assigned).to_contain_text("Dr. Ana Reyes")
    assigned.screenshot(path=str(screenshot(reviewer, "reviewer-queue-due").with_name(
        "assigned-queue-region.png")))  # fmt: skip
