"""The board's checklist: what every sign-off answers, item by item.

One definition, read by the decision form, the review page, the edition record and the
editorial policy page. An item is confirmed, or (where the item allows it) marked not applicable
with the reason; nothing is left unanswered.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from django.utils.translation import gettext, gettext_noop

from .errors import InvalidTransition

CONFIRMED = "confirmed"
NOT_APPLICABLE = "not_applicable"
MAX_REASON_CHARS = 300


@dataclass(frozen=True)
class Item:
    key: str
    # In English, the words a sign-off keeps; translated where they are shown.
    question: str  # what the reviewer confirms
    hint: str  # what checking it means, for the form and the policy page
    # Whether "not applicable" is an answer (with a reason): an article without doses or
    # figures has none to check; every article makes claims and cites references.
    may_be_not_applicable: bool = False


ITEMS: tuple[Item, ...] = (
    Item(
        "claims",
        gettext_noop("Claims match the cited sources"),
        gettext_noop("Each statement says what its numbered reference says, no more and no less."),
    ),
    Item(
        "numbers",
        gettext_noop("Doses and numbers checked"),
        gettext_noop(
            "Every dose, schedule, rate and figure agrees with its source, units included."
        ),
        may_be_not_applicable=True,
    ),
    Item(
        "grades",
        gettext_noop("Evidence grades current"),
        gettext_noop("Each recommendation's grade reflects the best evidence available today."),
        may_be_not_applicable=True,
    ),
    Item(
        "versions",
        gettext_noop("Reader versions consistent"),
        gettext_noop(
            "Every reader version says the same as the default text, in its readers' words."
        ),
        may_be_not_applicable=True,
    ),
    Item(
        "references",
        gettext_noop("References current"),
        gettext_noop("No reference is retracted or superseded, and the literature date is honest."),
    ),
)
BY_KEY = {item.key: item for item in ITEMS}


@dataclass(frozen=True)
class Answer:
    key: str
    question: str  # as asked on the day, in English (kept with the sign-off)
    answer: str  # CONFIRMED or NOT_APPLICABLE
    reason: str = ""

    @property
    def confirmed(self) -> bool:
        return self.answer == CONFIRMED

    def as_data(self) -> dict:
        return asdict(self)


def answers_from(data: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The form's fields (`check-<key>`, `reason-<key>`) as {key: (answer, reason)}."""
    return {
        item.key: (data.get(f"check-{item.key}", ""), data.get(f"reason-{item.key}", "").strip())
        for item in ITEMS
    }


def rows(answers: Mapping[str, tuple[str, str]] | None) -> list[tuple[Item, str, str]]:
    """Each item with what was answered (a refused sign-off's form shows it again)."""
    answers = answers or {}
    return [(item, *answers.get(item.key, ("", ""))) for item in ITEMS]


def all_confirmed() -> dict[str, tuple[str, str]]:
    """Every item confirmed (as a reviewer who ticked each box answers)."""
    return {item.key: (CONFIRMED, "") for item in ITEMS}


def clean(answers: Mapping[str, tuple[str, str]] | None) -> list[Answer]:
    """Every item answered, each as the item allows; else InvalidTransition naming each gap."""
    answers = answers or {}
    problems, cleaned = [], []
    for item in ITEMS:
        answer, reason = answers.get(item.key, ("", ""))
        reason = (reason or "").strip()
        if answer == CONFIRMED:
            cleaned.append(Answer(item.key, item.question, CONFIRMED))
        elif answer == NOT_APPLICABLE and not item.may_be_not_applicable:
            problems.append(
                gettext("“%(question)s” applies to every article: confirm it.")
                % {"question": gettext(item.question)}
            )
        elif answer == NOT_APPLICABLE and not reason:
            problems.append(
                gettext("Say why “%(question)s” does not apply.")
                % {"question": gettext(item.question)}
            )
        elif answer == NOT_APPLICABLE and len(reason) > MAX_REASON_CHARS:
            problems.append(
                gettext("The reason for “%(question)s” is over %(limit)d characters.")
                % {"question": gettext(item.question), "limit": MAX_REASON_CHARS}
            )
        elif answer == NOT_APPLICABLE:
            cleaned.append(Answer(item.key, item.question, NOT_APPLICABLE, reason))
        else:
            problems.append(
                gettext("Answer “%(question)s”.") % {"question": gettext(item.question)}
            )
    if problems:
        raise InvalidTransition(
            gettext("The checklist is not complete: %(problems)s")
            % {"problems": " ".join(problems)},
            messages=problems,
        )
    return cleaned


def as_data(answers: Iterable[Answer]) -> list[dict]:
    return [answer.as_data() for answer in answers]
