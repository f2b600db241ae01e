"""What the review page's outside-advice and schedule partials show, read where they are
included, so the page's view need not know of them (review/templates/review/includes/); and the
names of review states and timeline events in the reader's language."""

from dataclasses import dataclass
from datetime import date, datetime

from django import template
from django.utils import timezone

from accounts.models import User
from articles.models import Article, ReviewState

from .. import golive, schedule, specialists
from ..desk import Due, due_status
from ..forms import GoLiveForm, InviteSpecialistForm, ReReviewForm
from ..models import ScheduledGoLive, ScheduledReReview, SpecialistInvitation
from ..policy import policy_for
from ..revisions import text_revision_id
from ..selectors import assignments_of
from ..timeline import ACTION_NAMES
from ..workflow import ADMINS, EDITORS, STATE_NAMES, groups_of, language_name

register = template.Library()


@register.filter
def state_name(state: str) -> str:
    """A review state ("under_review") as the board reads it: "Under Review", "En revisión"."""
    return STATE_NAMES.get(state, state)


@register.filter(name="language_name")
def translated_language_name(code: str) -> str:
    """A language ("es") as a sentence names it, in the reader's language: "Spanish", "español"."""
    return language_name(code, translated=True)


@register.filter
def action_name(action: str) -> str:
    """A timeline event's kind ("approve") as the board reads it: "Approved", "Aprobó"."""
    return ACTION_NAMES.get(action, action)


@dataclass(frozen=True)
class OutsidePanel:
    invitations: list[SpecialistInvitation]
    required: bool  # the sign-off policy asks for advice before approval
    text_revision_id: int | None
    can_invite: bool
    form: InviteSpecialistForm
    now: datetime


@dataclass(frozen=True)
class SchedulePanel:
    go_live: ScheduledGoLive | None
    waiting: ScheduledGoLive | None  # an approval whose go-live was cancelled
    due: list[Due]
    re_reviews: list[ScheduledReReview]
    can_schedule: bool
    may_re_review: bool
    go_live_form: GoLiveForm
    re_review_form: ReReviewForm


@register.simple_tag
def outside_panel(article: Article, user: User) -> OutsidePanel:
    return OutsidePanel(
        invitations=specialists.invitations_for(article),
        required=policy_for(article).outside_advice_required,
        text_revision_id=text_revision_id(article),
        can_invite=bool(groups_of(user) & {EDITORS, ADMINS}),
        form=InviteSpecialistForm(prefix="invite"),
        now=timezone.now(),
    )


@register.simple_tag
def schedule_panel(article: Article, user: User) -> SchedulePanel:
    today = timezone.localdate()
    waiting = article.state in (ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW)
    queued = [a for a in assignments_of(article) if a.queued_since is not None]
    return SchedulePanel(
        go_live=golive.pending_for(article),
        waiting=schedule.waiting_approval(article),
        due=[
            Due(a.reviewer.public_name, a.due_on, due_status(a.due_on, today) * waiting)
            for a in sorted(queued, key=lambda a: (a.due_on is None, a.due_on or date.min, a.pk))
        ],
        re_reviews=list(
            article.re_reviews.filter(started_at__isnull=True, cancelled_at__isnull=True)
        ),
        can_schedule=bool(groups_of(user) & {EDITORS, ADMINS}),
        may_re_review=article.live_revision_id is not None and not article.is_withdrawn,
        go_live_form=GoLiveForm(prefix="go-live"),
        re_review_form=ReReviewForm(prefix="re-review"),
    )
