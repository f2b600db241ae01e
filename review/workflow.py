"""The one table of review moves: services enforce it, buttons offer it, the policy explains it."""

from dataclasses import dataclass

from articles.models import ReviewState

AUTHORS = "Authors"
REVIEWERS = "Reviewers"
ADMINS = "Admins"
GROUPS = (AUTHORS, REVIEWERS, ADMINS)


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # what the button says
    sources: frozenset[str]
    target: str
    groups: frozenset[str]
    comment_required: bool
    explanation: str  # one line for the editorial policy page
    again_label: str = ""  # what the button says when the article comes back to this move

    def label_from(self, state: str) -> str:
        return self.again_label if self.again_label and state != ReviewState.DRAFT else self.label


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            name="submit",
            label="Submit for review",
            sources=frozenset({ReviewState.DRAFT, ReviewState.CHANGES_REQUESTED}),
            target=ReviewState.SUBMITTED,
            groups=frozenset({AUTHORS, ADMINS}),
            comment_required=False,
            explanation="An author sends a draft, or a revised draft, to the advisory board.",
            again_label="Resubmit",
        ),
        Move(
            name="start_review",
            label="Start review",
            sources=frozenset({ReviewState.SUBMITTED}),
            target=ReviewState.UNDER_REVIEW,
            groups=frozenset({REVIEWERS}),
            comment_required=False,
            explanation="A medical reviewer takes the article; it is locked against edits.",
        ),
        Move(
            name="request_changes",
            label="Request changes",
            sources=frozenset({ReviewState.UNDER_REVIEW}),
            target=ReviewState.CHANGES_REQUESTED,
            groups=frozenset({REVIEWERS}),
            comment_required=True,
            explanation="The reviewer returns it to the author, saying what must change.",
        ),
        Move(
            name="approve",
            label="Approve",
            sources=frozenset({ReviewState.UNDER_REVIEW}),
            target=ReviewState.APPROVED,
            groups=frozenset({REVIEWERS}),
            comment_required=False,
            explanation=(
                "A reviewer who neither wrote nor edited this version approves the exact text; "
                "that text is what readers see."
            ),
        ),
        Move(
            name="withdraw",
            label="Withdraw",
            sources=frozenset({ReviewState.APPROVED}),
            target=ReviewState.WITHDRAWN,
            groups=frozenset({REVIEWERS, ADMINS}),
            comment_required=True,
            explanation="An approved article is taken down at once, with the reason recorded.",
        ),
    )
}

# States in which the working text may be edited; editing an approved article starts a new draft
# while the approved text stays live.
EDITABLE_STATES = frozenset(
    {ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.CHANGES_REQUESTED, ReviewState.APPROVED}
)

# The three steps of the public tracker, and which step each state stands on.
TRACKER_STEPS = (
    (ReviewState.SUBMITTED, "Submitted"),
    (ReviewState.UNDER_REVIEW, "Under Review"),
    (ReviewState.APPROVED, "Approved"),
)
TRACKER_STEP_OF_STATE = {
    ReviewState.DRAFT: ReviewState.SUBMITTED,
    ReviewState.SUBMITTED: ReviewState.SUBMITTED,
    ReviewState.UNDER_REVIEW: ReviewState.UNDER_REVIEW,
    ReviewState.CHANGES_REQUESTED: ReviewState.UNDER_REVIEW,
    ReviewState.APPROVED: ReviewState.APPROVED,
}
