"""Refused review moves. Each kind carries its HTTP status, so one place maps them to responses
(review.middleware) and a view that re-shows its form reads the status from the error."""

from collections.abc import Sequence


class WorkflowError(Exception):
    """A refused move. `message` is written for the person who tried it; `messages` is the same
    as separate problems, where there are several (each line of a text refused on saving)."""

    status_code = 400

    def __init__(self, message: str, *, messages: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.messages = list(messages) or [message]


class NotAllowed(WorkflowError):
    """The user's role, or their part in this article, does not allow this."""

    status_code = 403


class InvalidTransition(WorkflowError):
    """The article is not in a state this move starts from, or the move lacks what it needs."""

    status_code = 400


class StaleRevision(WorkflowError):
    """The caller acted on a revision that is no longer the newest."""

    status_code = 409
