"""The language switcher every page carries (templates/base.html)."""

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString

from public.feeds import feed_name
from public.language import ENGLISH, switcher_links

register = template.Library()


@register.inclusion_tag("public/includes/language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    """Links to this page in each language. `page_path`: the address a stored page is shared
    at (public.views.anonymous_page renders it without a request); else the request's."""
    path = context.get("page_path")
    if not path:
        request = context.get("request")
        path = request.get_full_path() if request is not None else "/"
    return {"links": switcher_links(path, translation.get_language())}


@register.simple_tag
def feed_url() -> str:
    """The Atom feed of this page's language (/feed/, /es/feed/)."""
    return reverse(feed_name("feed", translation.get_language() or ENGLISH))


@register.filter
def role_label(role) -> str:
    """A reader role's label in the active language (its English one where none is written)."""
    return role.label_for(translation.get_language()) if role is not None else ""


@register.filter
def topic_name(topic) -> SafeString:
    """A topic's name in the active language, for a page (its English one, marked so, where
    none is written)."""
    return topic.name_for(translation.get_language()).html
