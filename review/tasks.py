"""Background work of the review app. Tasks are safe to run twice; they import the services in
their bodies (the services import the outbox's tasks). Its e-mails go through the outbox."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from articles.models import Article, ReviewState

from .models import Notification
from .selectors import with_state_since
from .workflow import the_board


@shared_task
def remind_reviewers(days: int | None = None) -> int:
    """Nudge reviewers about articles waiting in review too long; once per stay in a state."""
    from .services import notify

    days = settings.VETTED_REVIEW_REMINDER_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    waiting = with_state_since(
        Article.objects.filter(state__in=[ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW])
    ).filter(state_since__lt=cutoff)
    created = 0
    for article in waiting:
        event = article.review_events.exclude(from_state=F("to_state")).latest("pk")
        # Under review, the nudge goes to the reviewer who took it; before that, to the board.
        if article.state == ReviewState.UNDER_REVIEW:
            recipients = [event.actor]
        else:
            recipients = the_board(article)
        for reviewer in recipients:
            if not reviewer.email:
                continue
            reminder = notify(
                event=event,
                recipient=reviewer,
                kind=Notification.Kind.REMINDER,
                subject=f"Still waiting for review: {article.title}",
                body=(
                    f"\u201c{article.title}\u201d has been "
                    f"{article.get_state_display().lower()} for more than {days} days."
                ),
            )
            created += reminder is not None
    return created
