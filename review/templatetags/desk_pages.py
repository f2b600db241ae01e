"""What the desk's page templates (review/templates/review/*.html) name in the active language."""

from django import template

from ..desk import state_label

register = template.Library()
# An article's review state, in the page's language: {{ article.state|state_label }}.
register.filter("state_label", state_label)
