"""Reads for the review area, scoped to what the user may see."""

from dataclasses import dataclass

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from reversion.models import Version

from accounts.models import User
from articles.models import Article, ReviewState

from .models import ReviewEvent
from .workflow import ADMINS, AUTHORS, GROUPS, MOVES, REVIEWERS, Move

STATE_MOVES = list(MOVES)


def roles_of(user: User) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(user.groups.filter(name__in=GROUPS).values_list("name", flat=True))


def articles_visible_to(user: User) -> QuerySet[Article]:
    """All but others' never-published drafts for the board and authors; all for admins."""
    roles = roles_of(user)
    articles = Article.objects.select_related("author")
    if not roles:
        return articles.none()
    if ADMINS in roles:
        return articles
    return articles.filter(
        ~Q(state=ReviewState.DRAFT) | Q(author=user) | Q(live_revision__isnull=False)
    )


def with_state_since(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate `state_since`: when the article entered its current state."""
    last_move = (
        ReviewEvent.objects.filter(article=OuterRef("pk"), action__in=STATE_MOVES)
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
    mine = list(visible.filter(author=user).order_by("-updated_at")) if AUTHORS in roles else []
    return Dashboard(awaiting_review=awaiting, assigned_to_me=assigned, my_submissions=mine)


@dataclass(frozen=True)
class AvailableMove:
    move: Move
    label: str
    refusal: str | None  # why this user may not make it now, or None


def available_moves(article: Article, user: User) -> list[AvailableMove]:
    """Each move the user's role could make from this state, with why it is refused (or None)."""
    from .services import refusal

    roles = roles_of(user)
    return [
        AvailableMove(
            move, move.label_from(article.state), refusal(move, article=article, user=user)
        )
        for move in MOVES.values()
        if roles & move.groups and article.state in move.sources
    ]


def diff_baseline(article: Article) -> tuple[int | None, str]:
    """What the review page compares the working text with, and how to say so."""
    if article.live_revision_id:
        return article.live_revision_id, "Changes since the approved version"
    returned = article.review_events.filter(action="request_changes").order_by("-pk").first()
    if returned and returned.revision_id:
        return returned.revision_id, "Changes since changes were requested (never approved yet)"
    return None, "Changes: never approved, so all of it is new"


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
