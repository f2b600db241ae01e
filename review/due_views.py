"""The "Review due" queue: approved articles whose scheduled review has come, or whose
references were flagged, with counts and a CSV export for the board's meetings."""

import csv
import io
import itertools
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import public_name
from articles.models import Article

from .paging import page_links, page_of
from .views import EVERYONE, _require_roles

PAGE_SIZE = 50


# What the list and the export show of an article and its edition (never the texts, the
# renditions or the change log: a page reads a few columns of 50 rows).
LISTED = (
    "slug", "title", "review_due_reason", "public_edition__title",
    "public_edition__published_at", "public_edition__next_review_due",
)  # fmt: skip


def due_articles():
    """Articles due for review, longest due first, along the index of when each fell due."""
    return Article.objects.filter(
        review_due_since__isnull=False, withdrawn_at__isnull=True
    ).order_by("review_due_since", "pk")


@login_required
def review_due(request: HttpRequest) -> HttpResponse:
    _require_roles(request, EVERYONE)
    articles = due_articles()
    today = timezone.localdate()
    overdue_before = today - timedelta(days=settings.VETTED_REVIEW_GRACE_DAYS)
    if request.GET.get("format") == "csv":
        return _csv(articles, today)
    listed = articles.select_related("public_edition").only("public_edition", *LISTED)
    page = page_of(listed, request.GET.get("page"), PAGE_SIZE)
    counts = {
        "due": page.paginator.count,
        "overdue": articles.filter(next_review_due__lt=overdue_before).count(),
        "flagged": articles.filter(review_due_reason__startswith="Reference").count(),
    }
    return render(
        request,
        "review/due.html",
        {
            "page": page, "links": page_links(request.GET, "page", page), "counts": counts,
            "overdue_before": overdue_before,
        },
    )  # fmt: skip


CSV_CHUNK = 500  # rows a piece of the streamed file
CSV_HEADER = ["slug", "title", "author", "last reviewed", "review due", "days overdue", "reason"]
# What a row is made of: the list's columns and the author's names (accounts.models.public_name).
CSV_COLUMNS = (*LISTED, "author__display_name", "author__first_name", "author__last_name",
               "author__username")  # fmt: skip


def _csv(articles, today) -> StreamingHttpResponse:
    """Every due article, streamed (the queue may be long): written by PostgreSQL's COPY where
    the database is PostgreSQL (the rows leave the database as CSV), else row by row here; the
    two give the same file, byte for byte (tests/review/test_due_csv.py)."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(CSV_HEADER)
    written = csv_copied if connection.vendor == "postgresql" else csv_written
    pieces = itertools.chain([header.getvalue().encode()], written(articles, today))
    response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vetted-review-due-{today}.csv"'
    return response


def csv_written(articles, today) -> Iterator[bytes]:
    """The rows, CSV_CHUNK at a time, from the values (not model instances: 5 000 rows in a
    fraction of the time)."""
    piece = io.StringIO()
    writer = csv.writer(piece, lineterminator="\n")
    zone = timezone.get_current_timezone()
    values = articles.values_list(*CSV_COLUMNS).iterator(chunk_size=2000)
    for n, (slug, title, reason, edition_title, published_at, due, *author) in enumerate(
        values, start=1
    ):
        writer.writerow([
            slug, edition_title or title, public_name(*author),
            published_at.astimezone(zone).date() if published_at else "",
            due or "", (today - due).days if due else "", reason,
        ])  # fmt: skip
        if n % CSV_CHUNK == 0:
            yield piece.getvalue().encode()
            piece.seek(0)
            piece.truncate()
    yield piece.getvalue().encode()


# The same row in SQL, around the list's own query (its columns named as CSV_COLUMNS): an empty
# text is NULL, which COPY writes as nothing (it would quote an empty string), as csv_written.
_COPY = """COPY (
    SELECT slug, COALESCE(NULLIF(edition_title, ''), NULLIF(title, '')),
        COALESCE(NULLIF(display_name, ''), NULLIF(BTRIM(first_name || ' ' || last_name), ''),
                 NULLIF(username, '')),
        (published_at AT TIME ZONE %s)::date, due, %s::date - due, NULLIF(reason, '')
    FROM ({query}) AS listed (slug, title, reason, edition_title, published_at, due,
                              display_name, first_name, last_name, username, since, id)
    ORDER BY since, id
) TO STDOUT WITH (FORMAT csv)"""


def csv_copied(articles, today) -> Iterator[bytes]:
    """The rows as PostgreSQL writes them (COPY … TO STDOUT), in the blocks it sends."""
    listed = articles.values_list(*CSV_COLUMNS, "review_due_since", "pk")
    query, params = listed.query.sql_with_params()
    zone = timezone.get_current_timezone_name()
    with connection.cursor() as cursor:
        # COPY takes no parameters: psycopg binds them into the statement (as Django's
        # client-side binding does for every query), and Django's cursor runs it (and counts it).
        statement = cursor.cursor.mogrify(_COPY.format(query=query), (zone, today, *params))
        with cursor.copy(statement) as copy:
            yield from (bytes(block) for block in copy)
