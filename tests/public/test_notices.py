"""Public notices: a withdrawal, and a correction of a clinically meaningful error declared when
the board approves the text that fixes it, are dated notices on the article, in its change log,
its feed entry and the API, kept in every later edition."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from review.services import edit_article, make_move
from tests.factories import CHECKLIST_FIELDS, SIGNED_CHECKLIST

REASON = "A dosing figure was wrong."
CORRECTION = "The starting dose is 5.4 mg/kg, not 6.4 mg/kg."


def _today() -> str:
    return date_format(timezone.localdate(), "F j, Y")


def _move(client, article, name, **data):
    payload = {"seen_revision_id": latest_revision_id(article), "comment": "", "note": ""}
    if name == "approve":  # the board's checklist, answered
        payload |= CHECKLIST_FIELDS
    return client.post(f"/review/articles/{article.slug}/{name}/", payload | data)


@pytest.fixture
def approved(make_article, author, reviewer, seen, professional_disclaimer):
    article = make_article(slug="dosing")
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(name, article=article, by=by, seen_revision_id=seen(article),
                  checklist=SIGNED_CHECKLIST if name == "approve" else None)  # fmt: skip
    return Article.objects.get(pk=article.pk)


def _revise(article, author, reviewer):
    """The author fixes the text and resubmits; a reviewer starts the review."""
    edit_article(
        article=article, by=author, seen_revision_id=latest_revision_id(article),
        title=article.title, summary=article.summary, body=article.body + "\nFixed dose.\n",
        literature_current_through=None, comment="Fixed the dose",
    )  # fmt: skip
    for name, by in (("submit", author), ("start_review", reviewer)):
        make_move(name, article=article, by=by, seen_revision_id=latest_revision_id(article))


@pytest.fixture
def withdrawn_and_corrected(client, approved, author, reviewer, reviewer2):
    """Withdrawn by `reviewer` over HTTP, revised, and approved by `reviewer2` with a
    correction notice, over HTTP."""
    client.force_login(reviewer)
    assert _move(client, approved, "withdraw", comment=REASON).status_code == 302
    _revise(approved, author, reviewer2)
    client.force_login(reviewer2)
    response = _move(
        client, approved, "approve", note="Corrected the starting dose.",
        corrects_error="on", correction=CORRECTION,
    )  # fmt: skip
    assert response.status_code == 302
    client.logout()
    return Article.objects.get(pk=approved.pk)


def test_the_returned_article_shows_the_dated_withdrawal_and_correction(
    client, withdrawn_and_corrected
):
    html = client.get(withdrawn_and_corrected.get_absolute_url()).content.decode()
    assert '<h2 id="notices-title">Withdrawal and correction notices</h2>' in html
    day = timezone.localdate().isoformat()
    withdrawn = f'<strong>Withdrawn on <time datetime="{day}">{_today()}</time>:</strong>'
    assert f"{withdrawn} {REASON}" in html
    assert f'Corrected on <time datetime="{day}">{_today()}</time></strong>' in html
    assert f'(<a href="/articles/dosing/editions/2/">edition 2</a>): {CORRECTION}' in html


def test_the_change_log_says_it_too(client, withdrawn_and_corrected):
    html = client.get(withdrawn_and_corrected.get_absolute_url()).content.decode()
    log = html[html.index('id="changes-title"') :]
    assert f"Correction of a clinically meaningful error:</strong> {CORRECTION}" in log
    assert f"until this edition: {REASON}" in log


def test_the_feed_entry_carries_the_notice(client, withdrawn_and_corrected):
    feed = client.get("/feed/").content.decode()
    notice = f"Withdrawn on {_today()}: A dosing figure was wrong. Corrected on {_today()}: "
    assert notice in feed.replace("&lt;", "<").replace("&gt;", ">")
    assert CORRECTION in feed


def test_the_api_change_log_carries_the_notice(client, withdrawn_and_corrected):
    entries = client.get("/api/v1/articles/dosing/").json()["change_log"]
    newest = next(entry for entry in entries if entry["number"] == 2)
    assert newest["correction"] == CORRECTION and newest["withdrawal_reason"] == REASON
    assert newest["withdrawn_at"] is not None
    first = next(entry for entry in entries if entry["number"] == 1)
    assert first["correction"] == "" and first["withdrawn_at"] is None


def test_the_notice_is_kept_in_every_later_edition(
    client, withdrawn_and_corrected, author, reviewer2
):
    article = withdrawn_and_corrected
    _revise(article, author, reviewer2)
    make_move("approve", article=article, by=reviewer2,
              seen_revision_id=latest_revision_id(article), checklist=SIGNED_CHECKLIST,
              note="Added a table.")  # fmt: skip
    assert article.public_edition.number == 3
    html = client.get(article.get_absolute_url()).content.decode()
    assert REASON in html and CORRECTION in html and "Added a table." in html


def test_an_older_editions_permalink_shows_the_current_notices(client, withdrawn_and_corrected):
    html = client.get("/articles/dosing/editions/1/").content.decode()
    assert "This edition has been replaced." in html
    assert CORRECTION in html and REASON in html


def test_a_correction_without_a_withdrawal(client, approved, author, reviewer2):
    _revise(approved, author, reviewer2)
    client.force_login(reviewer2)
    response = _move(client, approved, "approve", note="Dose fixed.", corrects_error="on",
                     correction=CORRECTION)  # fmt: skip
    assert response.status_code == 302
    client.logout()
    html = client.get(approved.get_absolute_url()).content.decode()
    assert "Withdrawn on" not in html
    assert f'(<a href="/articles/dosing/editions/2/">edition 2</a>): {CORRECTION}' in html


def test_a_return_without_a_declared_correction_still_dates_the_withdrawal(
    client, approved, author, reviewer, reviewer2
):
    make_move("withdraw", article=approved, by=reviewer,
              seen_revision_id=latest_revision_id(approved), comment=REASON)  # fmt: skip
    _revise(approved, author, reviewer2)
    make_move("approve", article=approved, by=reviewer2,
              seen_revision_id=latest_revision_id(approved), checklist=SIGNED_CHECKLIST,
              note="Revised.")  # fmt: skip
    html = client.get(approved.get_absolute_url()).content.decode()
    assert f"{REASON}\n      </strong>" not in html  # one notice, read as a sentence
    assert "Withdrawn on" in html and "Returned on" in html


def test_an_ordinary_approval_shows_no_notice(client, approved):
    html = client.get(approved.get_absolute_url()).content.decode()
    assert "notices-title" not in html


def test_a_cached_page_gives_way_to_the_notice(client, approved, author, reviewer2):
    """The notice is in the new edition: the page is kept under a new key at once."""
    before = client.get(approved.get_absolute_url()).content.decode()
    assert "notices-title" not in before
    _revise(approved, author, reviewer2)
    make_move("approve", article=approved, by=reviewer2,
              seen_revision_id=latest_revision_id(approved), checklist=SIGNED_CHECKLIST,
              note="Dose fixed.",
              correction=CORRECTION)  # fmt: skip
    assert CORRECTION in client.get(approved.get_absolute_url()).content.decode()


# The approve form ----------------------------------------------------------------------------


@pytest.fixture
def in_review(approved, author, reviewer2):
    _revise(approved, author, reviewer2)
    return approved


def test_the_approve_form_asks_about_a_correction(client, in_review, reviewer2):
    client.force_login(reviewer2)
    html = client.get(f"/review/articles/{in_review.slug}/").content.decode()
    assert (
        '<label for="corrects-approve">This edition corrects a clinically meaningful error</label>'
        in html
    )
    assert '<textarea id="correction-approve" name="correction"' in html


@pytest.mark.parametrize(
    "data, says",
    [
        ({"corrects_error": "on", "correction": " "}, "Say, for readers, what the error was"),
        ({"correction": CORRECTION}, "to publish the correction, or clear its text"),
    ],
)
def test_a_half_declared_correction_is_refused_and_kept(client, in_review, reviewer2, data, says):
    client.force_login(reviewer2)
    response = _move(client, in_review, "approve", note="Dose fixed.", **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html and "Dose fixed." in html
    assert Article.objects.get(pk=in_review.pk).state == ReviewState.UNDER_REVIEW


@pytest.mark.parametrize("who", ["author", "editor"])
def test_only_the_board_declares_corrections(client, in_review, request, who):
    client.force_login(request.getfixturevalue(who))
    response = _move(client, in_review, "approve", note="x", corrects_error="on",
                     correction=CORRECTION)  # fmt: skip
    assert response.status_code == 403
    assert Article.objects.get(pk=in_review.pk).public_edition.number == 1


def test_other_moves_do_not_take_a_correction(reviewer, approved):
    from review.errors import InvalidTransition

    with pytest.raises(InvalidTransition, match="does not declare corrections"):
        make_move("confirm_current", article=approved, by=reviewer,
                  seen_revision_id=latest_revision_id(approved), correction=CORRECTION)  # fmt: skip


def test_the_editorial_policy_explains_the_notices(client, db):
    html = client.get("/editorial-policy/").content.decode()
    assert "carry a dated notice of the withdrawal" in html
