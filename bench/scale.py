"""How the pages hold up with many articles: time them in-process against generated data.

Run `manage.py generate_articles N --versions-of-one 1000` on a PostgreSQL database of its own
first, then, with the same environment:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_bench \\
    CACHE_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/scale.py [--requests 30]

Each page is requested through django.test.Client (no server, no network): a warm-up request,
one request per address with its queries recorded, then --requests timed ones (not recording
queries, as production does not); p50/p95 in ms and the queries of a request (median, and the
most).
The cold article page clears the cache and the reader-roles memo before every request; the other
pages are warm. A page slower than --slow-after seconds on its warm-up is timed 3 times only.
Reads only, except that the cache (CACHE_URL) is cleared: give it a Redis database of its own.
Prints a Markdown table with the targets beside.
"""

import argparse
import itertools
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = (
    "semaglutide heart failure",
    "hazard ratio progression-free survival",
    "dapagliflozin chronic kidney disease",
    "QT prolongation",
    "pembrolizumab melanoma",
    "adults over 65 atrial fibrillation apixaban",
)


@dataclass(frozen=True)
class Case:
    name: str
    urls: list[str]  # requested in turn
    target: str
    as_reviewer: bool = False
    cold: bool = False  # clear the cache and the roles memo before each request


@dataclass(frozen=True)
class Timing:
    case: Case
    statuses: set[int]
    times_ms: list[float]
    queries: list[int]

    def row(self) -> str:
        ordered = sorted(self.times_ms)
        p50 = statistics.median(ordered)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        queries = f"{statistics.median(self.queries):g} (max {max(self.queries)})"
        status = ",".join(map(str, sorted(self.statuses)))
        return (
            f"| {self.case.name} | {status} | {len(ordered)} | {p50:,.1f} | {p95:,.1f} | "
            f"{queries} | {self.case.target} |"
        )


def main() -> None:
    args = _arguments()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DEBUG", "false")  # as production renders; the test client's host:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print(f"Note: measuring {connection.vendor}, not PostgreSQL.", file=sys.stderr)
    print(_dataset())
    print()
    print("| page | status | n | p50 ms | p95 ms | queries | target |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for case in _cases():
        timing = _measure(case, args.requests, args.slow_after)
        print(timing.row(), flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="Timed requests a page.")
    parser.add_argument("--slow-after", type=float, default=2.0, metavar="SECONDS")
    return parser.parse_args()


def _dataset() -> str:
    from django.db.models import Count

    from articles.models import Article, Edition
    from review.models import ReviewEvent

    states = dict(Article.objects.values_list("state").annotate(n=Count("pk")).order_by())
    mix = ", ".join(f"{state} {n:,}" for state, n in sorted(states.items()))
    return (
        f"{sum(states.values()):,} articles ({mix}); {Edition.objects.count():,} editions; "
        f"{ReviewEvent.objects.count():,} review events"
    )


def _cases() -> list[Case]:
    from articles.models import Article, ReviewState

    approved = list(
        Article.objects.filter(state=ReviewState.APPROVED, withdrawn_at__isnull=True)
        .order_by("-published_at")
        .values_list("slug", flat=True)[:30]
    )
    many = (
        Article.objects.filter(slug__endswith="-many-versions")
        .order_by("-pk")
        .values_list("slug", flat=True)
        .first()
    )
    cases = [
        Case("home `/`", ["/"], "< 30 ms"),
        Case("home `/?page=50`", ["/?page=50"], "< 30 ms"),
        Case(
            "search `/search/?q=…` (6 queries)",
            [f"/search/?q={q}" for q in SEARCHES],
            "p95 < 50 ms",
        ),
        Case(
            "article page, cold cache (30 articles)",
            [f"/articles/{s}/" for s in approved],
            "≤ 4 queries",  # the public pointer, then edition, roles, byline
            cold=True,
        ),
        Case("article page, warm", [f"/articles/{approved[0]}/"], "(cached)"),
        Case(
            "dashboard `/review/` (reviewer)",
            ["/review/"],
            "< 150 ms, queries flat",
            as_reviewer=True,
        ),
        Case("questions `/review/questions/`", ["/review/questions/"], "", as_reviewer=True),
    ]
    if many:
        cases += [
            Case(
                "review page, 1,000 versions",
                [f"/review/articles/{many}/"],
                "< 150 ms",
                as_reviewer=True,
            ),
            Case(
                "history, 1,000 versions",
                [f"/review/articles/{many}/history/"],
                "< 150 ms",
                as_reviewer=True,
            ),
        ]
    return cases


def _measure(case: Case, requests: int, slow_after: float) -> Timing:
    from django.test import Client

    client = Client()
    if case.as_reviewer:
        from accounts.models import User
        from review.workflow import REVIEWERS

        client.force_login(User.objects.filter(groups__name=REVIEWERS).order_by("pk").first())
    urls = itertools.cycle(case.urls)
    warm_up, _ = _timed(client, next(urls), case.cold)
    # The queries of each address, counted apart: recording them (Django's debug cursor) costs
    # time production does not spend, so the timed requests below do not record.
    queries = [_counted(client, url, case.cold) for url in case.urls]
    count = requests if warm_up < slow_after * 1000 else 3
    results = [_timed(client, next(urls), case.cold) for _ in range(count)]
    return Timing(
        case=case,
        statuses={status for _, status in results},
        times_ms=[ms for ms, _ in results],
        queries=queries,
    )


def _timed(client, url: str, cold: bool) -> tuple[float, int]:
    if cold:
        _forget()
    started = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - started) * 1000, response.status_code


def _counted(client, url: str, cold: bool) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        _forget()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def _forget() -> None:
    """A cold article page: nothing cached, the process's roles and disclaimers forgotten."""
    from django.core.cache import cache

    from public import page_cache

    cache.clear()
    page_cache.forget_pages_here()
    page_cache.forget_furniture()


if __name__ == "__main__":
    main()
