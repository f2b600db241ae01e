"""A note on an article's review timeline for an act that is no move of the table (an
invitation, a schedule, a scheduled publication): who did it, and what, in words. And the
timeline's words for each kind of event, as the board reads them."""

from django.utils.translation import pgettext_lazy

from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id

from .models import ReviewEvent

Action = ReviewEvent.Action
# ReviewEvent.Action's labels are English data (e-mails and the admin keep them); the timeline
# shows these, in the reader's language.
ACTION_NAMES = {
    Action.SUBMIT: pgettext_lazy("review event", "Submitted"),
    Action.PUBLISH_PROVISIONALLY: pgettext_lazy("review event", "Published provisionally"),
    Action.START_REVIEW: pgettext_lazy("review event", "Started review"),
    Action.REQUEST_CHANGES: pgettext_lazy("review event", "Requested changes"),
    Action.APPROVE: pgettext_lazy("review event", "Approved"),
    Action.SIGN_OFF: pgettext_lazy("review event", "Signed off (more sign-offs needed)"),
    Action.WITHDRAW: pgettext_lazy("review event", "Withdrew"),
    Action.EDIT: pgettext_lazy("review event", "Edited"),
    Action.ASSIGN: pgettext_lazy("review event", "Assigned a reviewer"),
    Action.COMMENT: pgettext_lazy("review event", "Commented"),
}


def timeline_note(article: Article, *, by: User, comment: str) -> ReviewEvent:
    return ReviewEvent.objects.create(
        article=article, actor=by, action=ReviewEvent.Action.COMMENT,
        from_state=article.state, to_state=article.state,
        revision_id=latest_revision_id(article), comment=comment,
    )  # fmt: skip
