"""Reads for the editors' view of the whole desk: counts by state, by reviewer and by age, each
linking to a list filtered the same way; scheduled go-lives and re-reviews; and the due dates
each queue shows beside its articles.

Every count is one aggregate over an index (article_state_since, article_awaiting,
assignment_due), and every list is one page, so the desk stays fast at 100 000 articles.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext_lazy

from accounts.models import User
from articles.models import AWAITING_REVIEW, Article, ReviewState

from .models import ReviewAssignment, ScheduledGoLive, ScheduledReReview
from .paging import page_of
from .schedule import REMIND_DAYS_BEFORE
from .workflow import STATE_NAMES

PAGE_SIZE = 25
# Waiting for the board this many days: [from, to) — None is open-ended.
AGE_BANDS = (("0-7", 0, 7), ("7-14", 7, 14), ("14-30", 14, 30), ("30-", 30, None))
REVIEWER_FIELDS = (
    "article_id", "due_on", "reviewer__username", "reviewer__first_name",
    "reviewer__last_name", "reviewer__display_name",
)  # fmt: skip
# A reviewer's assignments, as the desk counts them (in the reader's language).
DUE_FILTERS = {
    "open": pgettext_lazy("assignments", "open"),
    "soon": pgettext_lazy("assignments", "due soon"),
    "overdue": pgettext_lazy("assignments", "overdue"),
}


@dataclass(frozen=True)
class Due:
    """One reviewer's due date on an article, as a queue shows it."""

    reviewer: str
    due_on: date | None
    status: str  # "overdue", "due soon", "due", or "" (no date, or not waiting on the board)

    @property
    def label(self) -> str:
        if self.due_on is None:
            return f"{self.reviewer}: no due date"
        return f"{self.reviewer}: {self.status or 'due'} {self.due_on:%b %-d}"


def due_status(due_on: date | None, today: date) -> str:
    if due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    if due_on <= today + timedelta(days=REMIND_DAYS_BEFORE):
        return "due soon"
    return "due"


def with_due_dates(articles: Iterable[Article], *, today: date | None = None) -> None:
    """Give each article of a page `due`: its open assignments' due dates, soonest first (one
    query for the page). Only an article waiting for the board is ever due or overdue."""
    today = today or timezone.localdate()
    articles = list(articles)
    found = defaultdict(list)
    rows = (
        ReviewAssignment.objects.filter(
            article_id__in=[a.pk for a in articles], queued_since__isnull=False
        )
        .select_related("reviewer")
        .only(*REVIEWER_FIELDS)
        .order_by("due_on", "pk")
    )
    for row in rows:
        found[row.article_id].append(row)
    for article in articles:
        waiting = article.state in AWAITING_REVIEW
        article.due = [
            Due(row.reviewer.public_name, row.due_on, due_status(row.due_on, today) * waiting)
            for row in found[article.pk]
        ]


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    link: str  # the filtered list's query string


@dataclass(frozen=True)
class ReviewerLoad:
    reviewer: User
    open: Tally
    due_soon: Tally
    overdue: Tally


@dataclass(frozen=True)
class Desk:
    by_state: list[Tally]
    by_reviewer: Page  # of ReviewerLoad
    by_age: list[Tally]
    go_lives: list[ScheduledGoLive]
    go_lives_count: int
    re_reviews: list[ScheduledReReview]
    re_reviews_count: int


def desk(*, today: date | None = None, pages: Mapping[str, str] | None = None) -> Desk:
    today = today or timezone.localdate()
    pages = pages or {}
    counts = dict(  # COUNT(*): an index-only scan of the state index, not the table's rows
        Article.objects.order_by()
        .values_list("state")
        .annotate(n=Count("*"))
        .values_list("state", "n")
    )
    by_state = [
        Tally(STATE_NAMES[state], counts.get(state, 0), _query(state=state))
        for state in ReviewState.values
    ]
    ages = Article.objects.filter(state__in=AWAITING_REVIEW).aggregate(
        **{band: Count("pk", filter=_age_q(band, today)) for band, _, _ in AGE_BANDS}
    )  # one pass over the index article_awaiting for every band
    by_age = [Tally(_age_label(band), ages[band], _query(age=band)) for band, _, _ in AGE_BANDS]
    loads = (
        ReviewAssignment.objects.filter(queued_since__isnull=False)
        .order_by()
        .values("reviewer")
        .annotate(
            open=Count("pk"),
            soon=Count("pk", filter=_due_q("soon", today)),
            overdue=Count("pk", filter=_due_q("overdue", today)),
        )
        .order_by("-overdue", "-soon", "-open", "reviewer")
    )
    page = page_of(loads, pages.get("reviewers"), PAGE_SIZE)
    people = User.objects.in_bulk([row["reviewer"] for row in page.object_list])
    page.object_list = [
        ReviewerLoad(
            reviewer=people[row["reviewer"]],
            open=Tally(
                DUE_FILTERS["open"], row["open"], _query(reviewer=row["reviewer"], due="open")
            ),
            due_soon=Tally(
                DUE_FILTERS["soon"], row["soon"], _query(reviewer=row["reviewer"], due="soon")
            ),
            overdue=Tally(
                DUE_FILTERS["overdue"],
                row["overdue"],
                _query(reviewer=row["reviewer"], due="overdue"),
            ),
        )
        for row in page.object_list
    ]
    go_lives = ScheduledGoLive.objects.filter(ScheduledGoLive.PENDING)
    re_reviews = ScheduledReReview.objects.filter(
        started_at__isnull=True, cancelled_at__isnull=True
    )
    go_lives, go_lives_count = _first(go_lives.select_related("article", "approved_by"))
    re_reviews, re_reviews_count = _first(re_reviews.select_related("article", "scheduled_by"))
    return Desk(
        by_state=by_state,
        by_reviewer=page,
        by_age=by_age,
        go_lives=go_lives,
        go_lives_count=go_lives_count,
        re_reviews=re_reviews,
        re_reviews_count=re_reviews_count,
    )


def _first(rows: QuerySet, shown: int = 10) -> tuple[list, int]:
    """The first rows the desk shows and how many there are: counted only when they overflow."""
    first = list(rows[:shown])
    return first, (len(first) if len(first) < shown else rows.count())


@dataclass(frozen=True)
class DeskList:
    title: str
    page: Page  # of Article, each with `due`


def desk_list(query: Mapping[str, str], *, today: date | None = None) -> DeskList | None:
    """The articles one count of the desk stands for, one page; None for an unknown filter."""
    today = today or timezone.localdate()
    shown = Article.objects.select_related("author").defer("body", "summary")
    state, age, reviewer, due = (query.get(k, "") for k in ("state", "age", "reviewer", "due"))
    if state in ReviewState.values:
        title = gettext("Articles %(state)s") % {"state": STATE_NAMES[state].lower()}
        articles = shown.filter(state=state).order_by("state_changed_at", "pk")
    elif age in dict((band, 0) for band, _, _ in AGE_BANDS):
        title = gettext("Waiting for the board %(age)s") % {"age": _age_label(age)}
        articles = _awaiting_for(age, today, shown).order_by("state_changed_at", "pk")
    elif reviewer.isdigit() and due in DUE_FILTERS:
        person = User.objects.filter(pk=int(reviewer)).first()
        if person is None:
            return None
        title = f"{person.public_name}: {DUE_FILTERS[due]}"
        assigned = ReviewAssignment.objects.filter(
            Q(queued_since__isnull=False) & _due_q(due, today), reviewer=person
        ).order_by("due_on", "pk")
        articles = shown.filter(pk__in=assigned.values("article_id")).order_by(
            "state_changed_at", "pk"
        )
    else:
        return None
    page = page_of(articles, query.get("page"), PAGE_SIZE)
    with_due_dates(page.object_list, today=today)
    return DeskList(title, page)


def _due_q(due: str, today: date) -> Q:
    # The articles waiting for the board as a set of ids (the index article_awaiting), not a
    # join: PostgreSQL joined every assignment to a scan of the whole article table.
    waiting = Q(article_id__in=Article.objects.filter(state__in=AWAITING_REVIEW).values("pk"))
    if due == "soon":
        soon = today + timedelta(days=REMIND_DAYS_BEFORE)
        return waiting & Q(due_on__gte=today, due_on__lte=soon)
    if due == "overdue":
        return waiting & Q(due_on__lt=today)
    return Q()


def _awaiting_for(band: str, today: date, articles: QuerySet | None = None) -> QuerySet:
    """Articles waiting for the board for this band of days (index article_awaiting)."""
    articles = articles if articles is not None else Article.objects
    return articles.filter(_age_q(band, today), state__in=AWAITING_REVIEW)


def _age_q(band: str, today: date) -> Q:
    """Waiting since a day in this band, by when the article's state last changed."""
    _, low, high = next(b for b in AGE_BANDS if b[0] == band)
    waited = Q()
    if low:
        waited &= Q(state_changed_at__lt=_start_of(today - timedelta(days=low - 1)))
    if high is not None:
        waited &= Q(state_changed_at__gte=_start_of(today - timedelta(days=high - 1)))
    return waited


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _age_label(band: str) -> str:
    _, low, high = next(b for b in AGE_BANDS if b[0] == band)
    if high is None:
        return gettext("%(low)d days or more") % {"low": low}
    if low == 0:
        return gettext("under %(high)d days") % {"high": high}
    return gettext("%(low)d to %(high)d days") % {"low": low, "high": high}


def _query(**params) -> str:
    return "?" + urlencode(params)
