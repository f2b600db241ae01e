"""The public lists (home, topic pages) a page at a time, without counting them.

Counting the public articles reads the whole index (100 000 entries: ~25 ms on PostgreSQL) for a
"of N" no reader needs, and a deep page joined every skipped row to its edition. Here a page is
one index-only read of the ids (one more than the page holds, to know whether an older page
exists), then the rows of those ids with their editions: two short queries at any depth.
"""

from django.conf import settings
from django.db.models import QuerySet

from articles.models import Article, PublicTopicListing, Topic
from articles.paging import ListPage, uncounted_page
from articles.search import ARTICLE_LIST_FIELDS

ENGLISH = settings.LANGUAGE_CODE
NEWEST_FIRST = ("-published_at", "-id")  # the index article_public_newest


def newest_page(
    articles: QuerySet[Article], number: str | int, per_page: int, *, ids: QuerySet | None = None
) -> ListPage:
    """Page `number` (1, 2, …) of these articles, newest published first; 404 for a page that
    is not a whole number from 1, or that is past the end (page 1 of an empty list is there).
    `ids`: their ids newest first, from a list's own index (topic_ids)."""
    rows = articles.order_by(*NEWEST_FIRST).select_related("public_edition")
    return uncounted_page(rows.only(*ARTICLE_LIST_FIELDS), number, per_page, ids=ids)


def topic_ids(topic: Topic, language: str = ENGLISH) -> QuerySet:
    """The ids of a topic's public articles in `language`, newest published first, along the
    index topic_listing_newest (publishing.topic_lists keeps it with each publication)."""
    listed = PublicTopicListing.objects.filter(topic=topic, language=language)
    if not settings.VETTED_SHOW_UNAPPROVED:  # as articles.models.readable
        listed = listed.filter(approved=True)
    return listed.order_by("-published_at", "-article_id").values_list("article_id", flat=True)
