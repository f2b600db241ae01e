"""Every role x every move x every state: allowed exactly where the rules say, and a refusal
leaves the database as it was."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from articles.services import save_article
from publishing.editions import write_approved as publish_approved
from review import services
from review.models import Notification, ReviewEvent
from tests.contributor_factories import with_disclosure
from tests.factories import SIGNED_CHECKLIST, UserFactory

# Written out by hand, not read from review.workflow, so the table is checked against intent.
# The article was approved once, so readers see its approved text in every state but withdrawn.
SOURCES = {
    "submit": {ReviewState.DRAFT, ReviewState.CHANGES_REQUESTED, ReviewState.WITHDRAWN},
    "start_review": {ReviewState.SUBMITTED},
    "request_changes": {ReviewState.UNDER_REVIEW},
    "approve": {ReviewState.UNDER_REVIEW},
    "withdraw": set(ReviewState) - {ReviewState.WITHDRAWN},
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
    # in Authors, but this is somebody else's article
    "other_author": set(),
    "own_author": {"submit"},
    "co_author": {"submit"},
    "editor": {"submit"},
    "reviewer": {"start_review", "request_changes", "approve", "withdraw"},
    # wrote the article and sits on the board: everything but approving their own text
    "writer_reviewer": {"submit", "start_review", "request_changes", "withdraw"},
    "admin": {"submit", "withdraw"},
}
GROUPS = {
    "inactive": ["Authors", "Editors", "Reviewers", "Admins"],
    "other_author": ["Authors"],
    "own_author": ["Authors"],
    "co_author": ["Authors"],
    "editor": ["Editors"],
    "reviewer": ["Reviewers"],
    "writer_reviewer": ["Authors", "Reviewers"],
    "admin": ["Admins"],
}


def _user(role: str, username: str | None = None):
    if role == "anonymous":
        return AnonymousUser()
    user = UserFactory(
        username=username or role, is_active=role != "inactive", is_staff=role == "admin"
    )
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in GROUPS[role]])
    if "Reviewers" in GROUPS[role]:  # a board member, with a disclosure in force
        with_disclosure(user)
    return user


def _snapshot(article: Article) -> tuple:
    article.refresh_from_db()
    return (
        article.state,
        article.live_revision_id,
        article.withdrawn_at,
        ReviewEvent.objects.count(),
        Version.objects.count(),
        Notification.objects.count(),
    )


def _article_written_by(role: str, user, make_reference) -> Article:
    writes_it = role in ("own_author", "writer_reviewer")
    writer = user if writes_it else _user("own_author", username="writer")
    make_reference("nccn-2024")
    article = save_article(
        article=Article(slug="matrix", title="Q?", summary="A.", body="A.[@nccn-2024]"),
        by=writer,
        comment="Created",
    )
    if role == "co_author":
        article.co_authors.add(user)
    return article


@pytest.mark.parametrize("state", list(ReviewState))
@pytest.mark.parametrize("move_name", list(SOURCES))
@pytest.mark.parametrize("role", list(MAY))
def test_permission_matrix(db, make_reference, role, move_name, state):
    user = _user(role)
    article = _article_written_by(role, user, make_reference)
    # Test setup, not app code: approved once (edition 1), then put in the state under test.
    edition = publish_approved(
        article, revision_id=latest_revision_id(article), by=article.author,
        at=timezone.now(), note="",
    )  # fmt: skip
    Article.objects.filter(pk=article.pk).update(
        state=state, live_revision_id=edition.revision_id, public_edition=edition
    )
    before = _snapshot(article)

    allowed = move_name in MAY[role] and state in SOURCES[move_name]
    if allowed:
        services.make_move(
            move_name, article=article, by=user, seen_revision_id=latest_revision_id(article),
            comment="Why", note="What changed", checklist=SIGNED_CHECKLIST,
        )  # fmt: skip
        article.refresh_from_db()
        assert article.state == TARGET[move_name]
    else:
        with pytest.raises(services.WorkflowError) as refused:
            services.make_move(
                move_name, article=article, by=user,
                seen_revision_id=latest_revision_id(article), comment="Why", note="What changed",
                checklist=SIGNED_CHECKLIST,
            )  # fmt: skip
        assert refused.value.message  # says why, in words
        assert _snapshot(article) == before


EDIT_MAY = {"own_author", "co_author", "editor", "writer_reviewer", "admin"}


@pytest.mark.parametrize("role", list(MAY))
def test_who_may_edit_an_article(db, make_reference, role):
    user = _user(role)
    article = _article_written_by(role, user, make_reference)
    before = _snapshot(article)
    edit = {
        "article": article, "by": user, "seen_revision_id": latest_revision_id(article),
        "title": "Q?", "summary": "", "body": "Changed.[@nccn-2024]",
        "literature_current_through": None, "comment": "",
    }  # fmt: skip
    if role in EDIT_MAY:
        services.edit_article(**edit)
        article.refresh_from_db()
        assert article.body == "Changed.[@nccn-2024]\n"
    else:
        with pytest.raises(services.NotAllowed):
            services.edit_article(**edit)
        assert _snapshot(article) == before
