"""The one table of what editors may do to a question, and from which statuses.

Services enforce it, and the detail page offers only the actions it allows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop, pgettext_lazy

from review.workflow import QUESTION_HANDLERS

from .models import Question

Status = Question.Status

# The statuses as the desk names them, in the person's language (Question.Status's labels are
# English data).
STATUS_NAMES = {
    Status.NEW: pgettext_lazy("question status", "New"),
    Status.TRIAGED: pgettext_lazy("question status", "Triaged"),
    Status.ANSWERED: pgettext_lazy("question status", "Answered"),
    Status.SPAM: pgettext_lazy("question status", "Spam"),
}

# "Editors" of questions: the Editors group, the advisory board and admins (the groups are
# defined with the review roles, so the review dashboard links the queue for the same people).
# Authors write articles; they do not see readers' questions unless they also hold one of these.
EDITOR_GROUPS = QUESTION_HANDLERS


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # what the button says, in English (the detail page shows it translated)
    sources: frozenset[str]


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        # From spam too: "Mark triaged" is how a question wrongly marked spam comes back.
        Action("triage", gettext_noop("Mark triaged"), frozenset({Status.NEW, Status.SPAM})),
        Action("spam", gettext_noop("Mark spam"), frozenset({Status.NEW, Status.TRIAGED})),
        Action(
            "duplicate",
            gettext_noop("Mark duplicate"),
            frozenset({Status.NEW, Status.TRIAGED, Status.SPAM}),
        ),
        Action("answer", gettext_noop("Send answer"), frozenset({Status.NEW, Status.TRIAGED})),
        Action(
            "draft",
            gettext_noop("Turn into a draft article"),
            frozenset({Status.NEW, Status.TRIAGED}),
        ),
        Action(
            "request_change",
            gettext_noop("Request a change on the article"),
            frozenset({Status.NEW, Status.TRIAGED}),
        ),
    )
}
