"""Reads for the review area, scoped to what the user may see."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from reversion.models import Version

from accounts.models import User
from articles.memo import read_once
from articles.models import AWAITING_REVIEW, Article
from contributors.selectors import without_declared_conflict

from .models import ReviewAssignment
from .paging import page_of
from .workflow import (
    ADMINS,
    AUTHORS,
    BOARD_MAY_OPEN,
    BUTTON_MOVES,
    EDIT_ANY,
    MOVES,
    REVIEWERS,
    Move,
    Remedy,
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
    return articles.filter(BOARD_MAY_OPEN | Q(author=user) | Exists(co_author))


DASHBOARD_PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 20
HISTORY_PAGE_SIZE = 20
# What a queue shows of an article (its body and text fields are never loaded for a list).
QUEUE_FIELDS = (
    "slug", "title", "state", "state_changed_at", "updated_at",
    "author__username", "author__first_name", "author__last_name", "author__display_name",
)  # fmt: skip


@dataclass(frozen=True)
class Queue:
    """One list on the dashboard: its heading, the query parameter that pages it, one page."""

    parameter: str
    title: str
    empty: str
    page: Page  # of Article


@dataclass(frozen=True)
class Dashboard:
    queues: list[Queue]  # only the lists this user's roles have

    def __getitem__(self, parameter: str) -> Queue:
        return next(queue for queue in self.queues if queue.parameter == parameter)


def dashboard_for(user: User, *, pages: Mapping[str, str] | None = None) -> Dashboard:
    """The user's lists, one page each (`pages` maps a list's parameter to its page number).

    Two queries a list (its count and one page), however many articles there are: "Awaiting
    review" reads the index article_awaiting, "Assigned to me" the index assignment_queue.
    """
    pages = pages or {}
    roles = roles_of(user)
    shown = Article.objects.select_related("author").only(*QUEUE_FIELDS)
    lists = []
    if roles & {REVIEWERS, ADMINS}:
        # Submitted and under-review articles are never hidden from the board: this queue reads
        # one page of the index article_awaiting, and counts that index alone.
        awaiting = shown.filter(state__in=AWAITING_REVIEW).order_by("state_changed_at", "pk")
        # Kept on the assignments (review.services.queue_assignments): their article, in the
        # order it entered its state (queued_since is its state_changed_at).
        assigned = (
            ReviewAssignment.objects.filter(reviewer=user, queued_since__isnull=False)
            .select_related("article__author")
            .only("queued_since", *(f"article__{name}" for name in QUEUE_FIELDS))
            .order_by("queued_since", "article_id")
        )
        lists += [
            ("awaiting", _("Awaiting review"), _("Nothing is waiting for review."), awaiting),
            ("assigned", _("Assigned to me"), _("Nothing is assigned to you."), assigned),
        ]
    if AUTHORS in roles:
        # Their own articles (always theirs to see), newest change first: by the index
        # article_author_recent, with the few they co-author (if any) added by id.
        co_authored = list(
            Article.co_authors.through.objects.filter(user=user).values_list(
                "article_id", flat=True
            )
        )
        mine = shown.filter(Q(author=user) | Q(pk__in=co_authored)).order_by("-updated_at", "-pk")
        lists.append(
            ("mine", _("My submissions"), _("You have not written any articles yet."), mine)
        )
    queues = []
    for parameter, title, empty, items in lists:
        page = page_of(items, pages.get(parameter), DASHBOARD_PAGE_SIZE)
        if items.model is ReviewAssignment:  # the queue lists their articles
            page.object_list = [assignment.article for assignment in page.object_list]
        queues.append(Queue(parameter, title, empty, page))
    return Dashboard(queues=queues)


@dataclass(frozen=True)
class AvailableMove:
    move: Move
    label: str
    refusal: str | None  # why this user may not make it now, or None
    remedy: Remedy | None = None  # where they can lift the refusal themselves


def available_moves(article: Article, user: User) -> list[AvailableMove]:
    """The buttons this user is offered: each move they could make, or that a rule about them
    or this text refuses (shown disabled with the reason)."""
    offered = []
    for move in BUTTON_MOVES:
        refused = refusal(move, article=article, user=user)
        if refused is None or refused.offered:
            label = move.label_for(article)
            message, remedy = (refused.message, refused.remedy) if refused else (None, None)
            offered.append(AvailableMove(move, label, message, remedy))
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
        return Baseline(article.live_revision_id, _("Changes since the last approved version"))
    if article.live_revision_id:
        return Baseline(article.live_revision_id, _("Changes since the approved version"))
    returned = article.review_events.filter(action="request_changes").order_by("-pk").first()
    if returned and returned.revision_id:
        return Baseline(
            returned.revision_id, _("Changes since changes were requested (never approved yet)")
        )
    return Baseline(None, _("Changes: never approved, so all of it is new"))


@read_once
def assignments_of(article: Article) -> list[ReviewAssignment]:
    """Who is assigned to review the article, with them (the page's header and its schedule
    read this one list)."""
    return list(article.assignments.select_related("reviewer").order_by("pk"))


def timeline(article: Article, *, page: str | None = None) -> Page:
    """One page of the article's review events, newest first."""
    events = article.review_events.select_related("actor").order_by("-created_at", "-pk")
    return page_of(events, page, TIMELINE_PAGE_SIZE)


@dataclass(frozen=True)
class PinnedVersion:
    """A version offered for comparison on every page of the history."""

    label: str
    version: Version


@dataclass(frozen=True)
class History:
    versions: Page  # of Version, newest first
    pinned: list[PinnedVersion]  # the current and the approved version, when not on this page
    current_revision_id: int | None  # the compare form starts from `compare_from` to this
    compare_from: int | None


def revision_history(article: Article, *, page: str | None = None) -> History:
    """One page of the article's versions, plus the current and approved ones to compare with."""
    versions = Version.objects.get_for_object(article).select_related("revision__user")
    shown = page_of(versions.order_by("-revision_id"), page, HISTORY_PAGE_SIZE)
    rows = list(shown.object_list)
    on_page = {version.revision_id for version in rows}
    current = rows[0] if shown.number == 1 and rows else versions.order_by("-revision_id").first()
    wanted = {}
    if current is not None:
        wanted[current.revision_id] = _("Current version")
    if article.live_revision_id:
        approved = (
            _("Last approved version (withdrawn)")
            if article.is_withdrawn
            else _("Approved version")
        )
        wanted.setdefault(article.live_revision_id, approved)
    missing = [revision_id for revision_id in wanted if revision_id not in on_page]
    found = {v.revision_id: v for v in versions.filter(revision_id__in=missing)} if missing else {}
    pinned = [PinnedVersion(wanted[pk], found[pk]) for pk in missing if pk in found]
    older = [version.revision_id for version in rows if current is None or version != current]
    return History(
        versions=shown,
        pinned=pinned,
        current_revision_id=current.revision_id if current else None,
        compare_from=older[0] if older else None,
    )


def assignable_reviewers(article: Article) -> QuerySet[User]:
    """Active board members not yet assigned, but its author: those an assignment may name (the
    service refuses, with the reason, one who declared a conflict on its topics)."""
    assigned = article.assignments.values("reviewer")
    return (
        User.objects.filter(groups__name=REVIEWERS, is_active=True)
        .exclude(pk=article.author_id)
        .exclude(pk__in=assigned)
        .distinct()
        .order_by("display_name", "username")
    )


def eligible_reviewers(article: Article) -> QuerySet[User]:
    """The reviewers offered for assignment: assignable, and with no conflict of interest
    declared on the article's topics (they would take no part in its review)."""
    return without_declared_conflict(assignable_reviewers(article), article=article)
