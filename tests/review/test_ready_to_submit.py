"""A text that is not ready cannot be submitted: no summary, or the draft placeholder still in
its body. The button shows why, and the refusal says so over HTTP."""

import pytest

from articles.models import DRAFT_PLACEHOLDER, ReviewState
from articles.selectors import latest_revision_id
from review import services
from review.services import edit_article, make_move


def _post_move(client, article, name, comment=""):
    return client.post(
        f"/review/articles/{article.slug}/{name}/",
        {"comment": comment, "seen_revision_id": latest_revision_id(article)},
    )


def _actions(client, article) -> str:
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    return html.split('id="actions-title"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"summary": "  "}, "Write a summary before submitting: readers see it first."),
        (
            {"body": f"## Answer\n\n{DRAFT_PLACEHOLDER}\n"},
            f"Replace the placeholder \u201c{DRAFT_PLACEHOLDER}\u201d with the answer before "
            "submitting.",
        ),
    ],
)
def test_submit_is_refused_for_a_text_that_is_not_ready(
    client, make_article, author, seen, fields, message
):
    article = make_article(**fields)
    with pytest.raises(services.InvalidTransition) as refused:
        make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    assert refused.value.message == message
    article.refresh_from_db()
    assert article.state == ReviewState.DRAFT and article.submitted_revision_id is None

    client.force_login(author)
    actions = _actions(client, article)
    assert "disabled" in actions.split(">Submit for review</button>")[0].rsplit("<button", 1)[1]
    assert message in actions  # shown with the disabled button
    response = _post_move(client, article, "submit")
    assert response.status_code == 400
    assert message in response.content.decode()
    article.refresh_from_db()
    assert article.state == ReviewState.DRAFT


def test_submit_reads_the_text_as_saved_now(make_article, author, seen):
    article = make_article(summary="")
    edit_article(
        article=article, by=author, seen_revision_id=seen(article), title=article.title,
        summary="Platinum doublet first.", body=article.body, literature_current_through=None,
        comment="Summary",
    )  # fmt: skip
    make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    article.refresh_from_db()
    assert article.state == ReviewState.SUBMITTED
