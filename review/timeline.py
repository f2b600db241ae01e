"""A note on an article's review timeline for an act that is no move of the table (an
invitation, a schedule, a scheduled publication): who did it, and what, in words."""

from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id

from .models import ReviewEvent


def timeline_note(article: Article, *, by: User, comment: str) -> ReviewEvent:
    return ReviewEvent.objects.create(
        article=article, actor=by, action=ReviewEvent.Action.COMMENT,
        from_state=article.state, to_state=article.state,
        revision_id=latest_revision_id(article), comment=comment,
    )  # fmt: skip
