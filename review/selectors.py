"""Reads for the review area, scoped to what the user may see."""

from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from reversion.models import Version

from accounts.models import User
from articles.models import Article, ReviewState

from .models import ReviewEvent
from .workflow import (
    ADMINS,
    AUTHORS,
    BUTTON_MOVES,
    EDIT_ANY,
    MOVES,
    REVIEWERS,
    Move,
    groups_of,
    refusal,
)

roles_of = groups_of


def articles_visible_to(user: User) -> QuerySet[Article]:
    """All but others' never-published drafts for the board and authors; all for editors and
    admins."""
    roles = roles_of(user)
    articles = Article.objects.select_related("author")
    if not roles:
        return articles.none()
    if roles & EDIT_ANY:
        return articles
    co_author = Article.co_authors.through.objects.filter(article=OuterRef("pk"), user=user)
    return articles.filter(
        ~Q(state=ReviewState.DRAFT)
        | Q(author=user)
        | Q(live_revision__isnull=False)
        | Q(withdrawn_at__isnull=False)
        | Exists(co_author)
    )


def with_state_since(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate `state_since`: when the article entered its current state."""
    last_move = (
        ReviewEvent.objects.filter(article=OuterRef("pk"))
        .exclude(from_state=F("to_state"))
        .order_by()
        .values("article")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    return articles.annotate(state_since=Subquery(last_move))


@dataclass(frozen=True)
class Dashboard:
    awaiting_review: list[Article]
    assigned_to_me: list[Article]
    my_submissions: list[Article]


def dashboard_for(user: User) -> Dashboard:
    roles = roles_of(user)
    visible = with_state_since(articles_visible_to(user)).order_by("state_since", "pk")
    awaiting = []
    if roles & {REVIEWERS, ADMINS}:
        awaiting = list(visible.filter(state__in=[ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW]))
    assigned = list(
        visible.filter(assignments__reviewer=user).exclude(
            state__in=[ReviewState.APPROVED, ReviewState.WITHDRAWN]
        )
    )
    mine = []
    if AUTHORS in roles:
        co_author = Article.co_authors.through.objects.filter(article=OuterRef("pk"), user=user)
        mine = list(visible.filter(Q(author=user) | Exists(co_author)).order_by("-updated_at"))
    return Dashboard(awaiting_review=awaiting, assigned_to_me=assigned, my_submissions=mine)


@dataclass(frozen=True)
class AvailableMove:
    move: Move
    label: str
    refusal: str | None  # why this user may not make it now, or None


def available_moves(article: Article, user: User) -> list[AvailableMove]:
    """The buttons this user is offered: each move they could make, or that a rule about them
    or this text refuses (shown disabled with the reason)."""
    offered = []
    for move in BUTTON_MOVES:
        refused = refusal(move, article=article, user=user)
        if refused is None or refused.offered:
            label = move.label_for(article)
            offered.append(AvailableMove(move, label, refused.message if refused else None))
    return offered


def may_edit(article: Article, user: User) -> bool:
    """Whether the "Edit" link is offered: the edit move would be allowed now."""
    return refusal(MOVES["edit"], article=article, user=user) is None


@dataclass(frozen=True)
class Baseline:
    revision_id: int | None
    label: str

    @property
    def all_new(self) -> bool:
        return self.revision_id is None


def diff_baseline(article: Article) -> Baseline:
    """What the review page compares the working text with, and how to say so."""
    if article.live_revision_id and article.is_withdrawn:
        return Baseline(article.live_revision_id, "Changes since the last approved version")
    if article.live_revision_id:
        return Baseline(article.live_revision_id, "Changes since the approved version")
    returned = article.review_events.filter(action="request_changes").order_by("-pk").first()
    if returned and returned.revision_id:
        return Baseline(
            returned.revision_id, "Changes since changes were requested (never approved yet)"
        )
    return Baseline(None, "Changes: never approved, so all of it is new")


def revision_history(article: Article) -> list[Version]:
    return list(
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-revision_id")
    )


def eligible_reviewers(article: Article) -> QuerySet[User]:
    assigned = article.assignments.values("reviewer")
    return (
        User.objects.filter(groups__name=REVIEWERS, is_active=True)
        .exclude(pk=article.author_id)
        .exclude(pk__in=assigned)
        .distinct()
        .order_by("display_name", "username")
    )
