"""Builders for the public lists and search: articles readers can open, in publishing order."""

import pytest

from review.services import make_move
from tests.factories import SIGNED_CHECKLIST


@pytest.fixture
def publish(make_article, author, editor, reviewer, seen, professional_disclaimer):
    """An article submitted and published provisionally (readers see it pending review), or
    approved, with its topics."""

    def publish(slug, *, title="What is the answer?", summary="The answer, briefly.", body=None,
                approve=False, topics=()):  # fmt: skip
        article = make_article(slug=slug, title=title, summary=summary, body=body)
        article.topics.set(topics)
        moves = [("submit", author)]
        if approve:
            moves += [("start_review", reviewer), ("approve", reviewer)]
        else:
            moves += [("publish_provisionally", editor)]
        for name, by in moves:
            make_move(
                name,
                article=article,
                by=by,
                seen_revision_id=seen(article),
                comment="ok",
                checklist=SIGNED_CHECKLIST,
            )
        return article

    return publish


@pytest.fixture
def withdraw(reviewer, seen):
    def withdraw(article):
        make_move("withdraw", article=article, by=reviewer, seen_revision_id=seen(article),
                  comment="A dosing error.")  # fmt: skip

    return withdraw
