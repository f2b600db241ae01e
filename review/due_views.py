"""The "Review due" queue: approved articles whose scheduled review has come, or whose
references were flagged, with counts and a CSV export for the board's meetings."""

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from articles.models import Article

from .paging import page_links, page_of
from .views import EVERYONE, _require_roles

PAGE_SIZE = 50


def due_articles():
    return (
        Article.objects.filter(review_due_since__isnull=False, withdrawn_at__isnull=True)
        .select_related("public_edition", "author")
        .defer("body", "public_edition__renditions", "public_edition__search_text")
        .order_by("public_edition__next_review_due", "review_due_since", "pk")
    )


@login_required
def review_due(request: HttpRequest) -> HttpResponse:
    _require_roles(request, EVERYONE)
    articles = due_articles()
    today = timezone.localdate()
    overdue_before = today - timedelta(days=settings.VETTED_REVIEW_GRACE_DAYS)
    if request.GET.get("format") == "csv":
        return _csv(articles, today)
    page = page_of(articles, request.GET.get("page"), PAGE_SIZE)
    counts = {
        "due": page.paginator.count,
        "overdue": articles.filter(public_edition__next_review_due__lt=overdue_before).count(),
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


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(articles, today) -> StreamingHttpResponse:
    """Every due article, streamed (the queue may be long)."""
    writer = csv.writer(_Echo())
    header = ["slug", "title", "author", "last reviewed", "review due", "days overdue", "reason"]

    def rows():
        yield writer.writerow(header)
        for article in articles.iterator(chunk_size=500):
            edition = article.public_edition
            due = edition.next_review_due if edition else None
            yield writer.writerow([
                article.slug, edition.title if edition else article.title,
                article.author.public_name, edition.published_at.date() if edition else "",
                due or "", (today - due).days if due else "", article.review_due_reason,
            ])  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vetted-review-due-{today}.csv"'
    return response
