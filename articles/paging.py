"""Pages of long lists without counting them, and the admin's pages read ids first: what every
list of 100 000 rows needs, whoever shows it (public pages, the review area, the admin)."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404


@dataclass(frozen=True)
class ListPage:
    """One page of a list, with what templates/public/includes/pagination.html asks of a Django
    Page; `paginator` is None: the list is not counted."""

    number: int
    object_list: list
    has_next: bool
    paginator: None = None

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)


def page_number(number: str | int | None) -> int:
    """The page asked for: a whole number from 1, else 404."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise Http404("No such page.")
    return number


def uncounted_page(
    rows: QuerySet, number: str | int | None, per_page: int, *, ids: QuerySet | None = None
) -> ListPage:
    """Page `number` of an ordered queryset without counting it: the ids of the page (one more,
    to know whether an older page exists), along its index however deep, then those rows with
    what they join; 404 past the end (page 1 of an empty list is there). `ids`: the rows' ids in
    their order, read along another index (a listing table) instead of the rows' own."""
    number = page_number(number)
    start = (number - 1) * per_page
    ordered = rows.values_list("pk", flat=True) if ids is None else ids
    ids = list(ordered[start : start + per_page + 1])
    if not ids and number > 1:
        raise Http404("No such page.")
    shown = list(rows.filter(pk__in=ids[:per_page]))
    return ListPage(number, shown, has_next=len(ids) > per_page)


class IdsFirstPaginator(Paginator):
    """Django's paginator for the admin's long lists, reading a deep page as the ids of its rows
    along the ordering's index, then those rows: OFFSET skips index entries, not whole rows
    (page 2,000 of the articles read 100,000 rows with their texts)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if isinstance(rows, QuerySet):
            rows = rows.filter(pk__in=list(rows.values_list("pk", flat=True)[bottom:top]))
        else:
            rows = rows[bottom:top]
        return self._get_page(rows, number, self)
