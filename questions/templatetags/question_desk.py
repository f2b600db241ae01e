"""What the questions queue's templates name in the person's language."""

from django import template

from ..workflow import STATUS_NAMES

register = template.Library()


@register.filter
def question_status(status: str) -> str:
    """A question's status ("triaged") as the desk reads it: "Triaged", "Clasificada"."""
    return STATUS_NAMES.get(status, status)
