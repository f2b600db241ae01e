"""Every role x every move x every state: allowed exactly where the rules say, and a refusal
leaves the database as it was."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from reversion.models import Version

from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from articles.services import save_article
from review import services
from review.models import Notification, ReviewEvent
from tests.factories import UserFactory

# Written out by hand, not read from review.workflow, so the table is checked against intent.
SOURCES = {
    "submit": {ReviewState.DRAFT, ReviewState.CHANGES_REQUESTED},
    "start_review": {ReviewState.SUBMITTED},
    "request_changes": {ReviewState.UNDER_REVIEW},
    "approve": {ReviewState.UNDER_REVIEW},
    "withdraw": {ReviewState.APPROVED},
}
TARGET = {
    "submit": ReviewState.SUBMITTED,
    "start_review": ReviewState.UNDER_REVIEW,
    "request_changes": ReviewState.CHANGES_REQUESTED,
    "approve": ReviewState.APPROVED,
    "withdraw": ReviewState.WITHDRAWN,
}
MAY = {
    "anonymous": set(),
    "inactive": set(),
    "author": {"submit"},
    "reviewer": {"start_review", "request_changes", "approve", "withdraw"},
    # wrote the article and sits on the board: everything but approving their own text
    "writer_reviewer": {"submit", "start_review", "request_changes", "withdraw"},
    "admin": {"submit", "withdraw"},
}


def _user(role: str):
    if role == "anonymous":
        return AnonymousUser()
    groups = {
        "inactive": ["Authors", "Reviewers", "Admins"],
        "author": ["Authors"],
        "reviewer": ["Reviewers"],
        "writer_reviewer": ["Authors", "Reviewers"],
        "admin": ["Admins"],
    }[role]
    user = UserFactory(username=role, is_active=role != "inactive", is_staff=role == "admin")
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    return user


def _snapshot(article: Article) -> tuple:
    article.refresh_from_db()
    return (
        article.state,
        article.live_revision_id,
        ReviewEvent.objects.count(),
        Version.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("state", list(ReviewState))
@pytest.mark.parametrize("move_name", list(SOURCES))
@pytest.mark.parametrize("role", list(MAY))
def test_permission_matrix(db, make_reference, role, move_name, state):
    writer = _user("writer_reviewer") if role != "writer_reviewer" else None
    user = _user(role)
    writer = writer or user
    make_reference("nccn-2024")
    article = save_article(
        article=Article(slug="matrix", title="Q?", body="A.[@nccn-2024]"),
        by=writer,
        comment="Created",
    )
    Article.objects.filter(pk=article.pk).update(state=state)  # test setup, not app code
    before = _snapshot(article)

    allowed = move_name in MAY[role] and state in SOURCES[move_name]
    call = services.MOVE_SERVICES[move_name]
    if allowed:
        call(article=article, by=user, seen_revision_id=latest_revision_id(article), comment="Why")
        article.refresh_from_db()
        assert article.state == TARGET[move_name]
    else:
        with pytest.raises(services.WorkflowError) as refused:
            call(
                article=article,
                by=user,
                seen_revision_id=latest_revision_id(article),
                comment="Why",
            )
        assert refused.value.message  # says why, in words
        assert _snapshot(article) == before
