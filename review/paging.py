"""Pages of a list, each paged by its own query parameter, so paging one list keeps the others."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict


@dataclass(frozen=True)
class PageLinks:
    """Where the links to the pages before and after go ("?…" with the other lists' pages kept)."""

    previous: str | None
    next: str | None


def page_of(items: QuerySet, number: str | None, per_page: int) -> Page:
    """One page (the first when `number` is missing or not a page): the count and the rows, or
    only the rows when the first page is asked for and the whole list fits on it."""
    if number in (None, "", "1"):
        first = list(items[: per_page + 1])
        if len(first) <= per_page:
            return Paginator(first, per_page).get_page(1)
        return Page(first[:per_page], 1, Paginator(items, per_page))  # counted when shown
    return Paginator(items, per_page).get_page(number)


def page_links(query: QueryDict, parameter: str, page: Page, anchor: str = "") -> PageLinks:
    def link(number: int) -> str:
        params = query.copy()
        if number == 1:
            params.pop(parameter, None)
        else:
            params[parameter] = str(number)
        return f"?{params.urlencode()}{anchor}"

    return PageLinks(
        previous=link(page.previous_page_number()) if page.has_previous() else None,
        next=link(page.next_page_number()) if page.has_next() else None,
    )
