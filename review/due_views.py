"""The "Review due" queue: approved articles whose scheduled review has come, or whose
references were flagged, with counts and a CSV export for the board's meetings."""

import csv
import io
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
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


def _csv(articles, today) -> StreamingHttpResponse:
    """Every due article, streamed (the queue may be long) in pieces of CSV_CHUNK rows."""
    header = ["slug", "title", "author", "last reviewed", "review due", "days overdue", "reason"]
    columns = (*LISTED, "author__display_name", "author__first_name", "author__last_name",
               "author__username")  # fmt: skip

    def rows():
        piece = io.StringIO()
        writer = csv.writer(piece)
        writer.writerow(header)
        # Values, not model instances: 5,000 rows in a fraction of the time.
        values = articles.values_list(*columns).iterator(chunk_size=2000)
        zone = timezone.get_current_timezone()
        for n, (slug, title, reason, edition_title, published_at, due, *author) in enumerate(
            values, start=1
        ):
            writer.writerow([
                slug, edition_title or title, public_name(*author),
                published_at.astimezone(zone).date() if published_at else "",
                due or "", (today - due).days if due else "", reason,
            ])  # fmt: skip
            if n % CSV_CHUNK == 0:
                yield piece.getvalue()
                piece.seek(0)
                piece.truncate()
        yield piece.getvalue()

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vetted-review-due-{today}.csv"'
    return response
