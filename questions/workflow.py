"""The one table of what editors may do to a question, and from which statuses.

Services enforce it, and the detail page offers only the actions it allows.
"""

from dataclasses import dataclass

from review.workflow import QUESTION_HANDLERS

from .models import Question

Status = Question.Status

# "Editors" of questions: the Editors group, the advisory board and admins (the groups are
# defined with the review roles, so the review dashboard links the queue for the same people).
# Authors write articles; they do not see readers' questions unless they also hold one of these.
EDITOR_GROUPS = QUESTION_HANDLERS


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # what the button says
    sources: frozenset[str]


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        # From spam too: "Mark triaged" is how a question wrongly marked spam comes back.
        Action("triage", "Mark triaged", frozenset({Status.NEW, Status.SPAM})),
        Action("spam", "Mark spam", frozenset({Status.NEW, Status.TRIAGED})),
        Action("duplicate", "Mark duplicate", frozenset({Status.NEW, Status.TRIAGED, Status.SPAM})),
        Action("answer", "Send answer", frozenset({Status.NEW, Status.TRIAGED})),
        Action("draft", "Turn into a draft article", frozenset({Status.NEW, Status.TRIAGED})),
        Action(
            "request_change",
            "Request a change on the article",
            frozenset({Status.NEW, Status.TRIAGED}),
        ),
    )
}
