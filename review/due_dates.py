"""When an assignment is due: the day the article came to its reviewer (assigned, or sent back
to the board after changes) plus the policy's review_days (review.policy)."""

from datetime import date, timedelta

from django.utils import timezone

from articles.models import Article

from .models import ReviewAssignment
from .policy import policy_for


def due_date_for(article: Article, *, assigned_on: date | None = None) -> date:
    """The day an assignment made on `assigned_on` (today when None) is due."""
    return (assigned_on or timezone.localdate()) + timedelta(days=policy_for(article).review_days)


def restart_due_dates(article: Article) -> int:
    """The article is back with the board (resubmitted): each reviewer's time starts again, and
    its reminders with it (they are keyed by the due date)."""
    return ReviewAssignment.objects.filter(article=article).update(due_on=due_date_for(article))
