"""The public lists (home, topic pages) a page at a time, without counting them.

Counting the public articles reads the whole index (100 000 entries: ~25 ms on PostgreSQL) for a
"of N" no reader needs, and a deep page joined every skipped row to its edition. Here a page is
one index-only read of the ids (one more than the page holds, to know whether an older page
exists), then the rows of those ids with their editions: two short queries at any depth.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from articles.models import Article
from articles.search import ARTICLE_LIST_FIELDS

NEWEST_FIRST = ("-published_at", "-id")  # the index article_public_newest


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


def uncounted_page(rows: QuerySet, number: str | int | None, per_page: int) -> ListPage:
    """Page `number` of an ordered queryset without counting it: the ids of the page (one more,
    to know whether an older page exists), along its index however deep, then those rows with
    what they join; 404 past the end (page 1 of an empty list is there)."""
    number = page_number(number)
    start = (number - 1) * per_page
    ids = list(rows.values_list("pk", flat=True)[start : start + per_page + 1])
    if not ids and number > 1:
        raise Http404("No such page.")
    shown = list(rows.filter(pk__in=ids[:per_page]))
    return ListPage(number, shown, has_next=len(ids) > per_page)


def newest_page(articles: QuerySet[Article], number: str | int, per_page: int) -> ListPage:
    """Page `number` (1, 2, …) of these articles, newest published first; 404 for a page that
    is not a whole number from 1, or that is past the end (page 1 of an empty list is there)."""
    number = page_number(number)
    start = (number - 1) * per_page
    ids = list(
        articles.order_by(*NEWEST_FIRST).values_list("pk", flat=True)[start : start + per_page + 1]
    )
    if not ids and number > 1:
        raise Http404("No such page.")
    shown = ids[:per_page]
    rows = Article.objects.select_related("public_edition").only(*ARTICLE_LIST_FIELDS)
    by_id = rows.in_bulk(shown)
    return ListPage(number, [by_id[pk] for pk in shown], has_next=len(ids) > per_page)
