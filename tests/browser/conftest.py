"""Playwright against Debian's Chromium, driving the live test server as a reader would."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "browser-demo-password"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for
# setup are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def signed_in(browser, base_url: str, username: str, *, go_to: str = "", phone: bool = False):
    """A page of a new browser context, signed in as `username` with the demo password (the
    review dashboard seen), then at `go_to` if given."""
    from playwright.sync_api import expect

    if phone:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    if go_to:
        page.goto(f"{base_url}{go_to}")
    return page


def sign_off(page, *, note: str = "") -> None:
    """Press the approve button as a board member does: every item of the board's checklist
    confirmed (review.checklist), the note for readers written where the form asks it."""
    import re

    from review.checklist import ITEMS

    form = page.get_by_role("form", name=re.compile(r"^Approve"))
    for item in ITEMS:
        if item.may_be_not_applicable:
            form.get_by_role("group", name=item.question).get_by_label("Confirmed").check()
        else:
            form.get_by_label(item.question).check()
    if note:
        form.get_by_label(re.compile("What changed, for readers")).fill(note)
    form.get_by_role("button", name=re.compile(r"^Approve")).click()
