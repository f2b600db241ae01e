"""How fast are the review area's lists at size? (Targets: < 150 ms, query counts that do not grow.)

Times, in-process with django.test.Client signed in (force_login) as a reviewer, a warm-up and
then N requests each of `/review/`, `/review/questions/`, and the review page and history of one
article with many versions; prints p50/p95 in ms and the query count of each page.

    createdb -h 127.0.0.1 -U postgres vetted_h_lists_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_h_lists_bench \\
        .venv/bin/python bench/review_lists.py --articles 10000 --versions 1000

It creates what is missing (migrating first), and only the rows these pages read:
- users `bench-author` (Authors) and `bench-reviewer` (Reviewers);
- `--articles` articles by bulk_create (no revisions: the lists read rows, not versions), one in
  ten drafts, 3/10 submitted, 1/10 under review, 5/10 approved, each with its review events
  (submit, start review) spread over time, and 50 under review assigned to the reviewer;
- a question on every tenth article (the question queue);
- one article, `bench-many-versions`, saved `--versions` times through articles.services
  (each save one revision) with a comment on the timeline for each.
Articles are added up to `--articles`; nothing is deleted. Give it a database of its own.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from articles.models import Article, ReviewState  # noqa: E402
from articles.services import save_article  # noqa: E402
from questions.models import Question  # noqa: E402
from review.models import ReviewAssignment, ReviewEvent  # noqa: E402
from review.workflow import AUTHORS, REVIEWERS  # noqa: E402

MANY = "bench-many-versions"
BATCH = 2000
BODY = "## Answer\n\nA short answer, written for the benchmark, with a few words in it.\n"
# Ten articles in a row get these states, so every state is spread over the whole table.
STATES = [ReviewState.DRAFT] + [ReviewState.SUBMITTED] * 3 + [ReviewState.UNDER_REVIEW]
STATES += [ReviewState.APPROVED] * 5
EVENTS = {  # the moves that brought an article to its state
    ReviewState.DRAFT: [],
    ReviewState.SUBMITTED: [("submit", ReviewState.DRAFT, ReviewState.SUBMITTED)],
    ReviewState.UNDER_REVIEW: [
        ("submit", ReviewState.DRAFT, ReviewState.SUBMITTED),
        ("start_review", ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW),
    ],
    ReviewState.APPROVED: [
        ("submit", ReviewState.DRAFT, ReviewState.SUBMITTED),
        ("start_review", ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW),
        ("approve", ReviewState.UNDER_REVIEW, ReviewState.APPROVED),
    ],
}


def main() -> None:
    args = _arguments()
    if connection.vendor != "postgresql":
        sys.exit("Give a PostgreSQL database in DATABASE_URL.")
    call_command("migrate", verbosity=0)
    author, reviewer = _user("bench-author", AUTHORS), _user("bench-reviewer", REVIEWERS)
    _ensure_articles(args.articles, author)
    _ensure_assignments(reviewer)
    _ensure_questions()
    many = _ensure_many_versions(args.versions, author, reviewer)
    with connection.cursor() as cursor:
        # auto_now_add stamped bulk-created events "now": spread them a minute apart, oldest first.
        cursor.execute(
            "UPDATE review_reviewevent SET created_at = now() - "
            "((SELECT max(id) FROM review_reviewevent) - id) * interval '1 minute'"
        )
        cursor.execute("ANALYZE")
    setup_test_environment()
    client = Client()
    client.force_login(reviewer)
    print(
        f"{Article.objects.count()} articles, {ReviewEvent.objects.count()} review events, "
        f"{Question.objects.count()} questions; {MANY}: {_versions(many)} versions, "
        f"{many.review_events.count()} events; N={args.requests}"
    )
    for url in (
        "/review/",
        "/review/?awaiting=40",
        "/review/questions/",
        "/review/questions/?article=answer+benchmark",
        f"/review/articles/{MANY}/",
        f"/review/articles/{MANY}/history/",
        f"/review/articles/{MANY}/history/?page=20",
    ):
        _time(client, url, args.requests)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=20)
    return parser.parse_args()


def _user(username: str, group: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": username})
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _ensure_articles(wanted: int, author: User) -> None:
    have = Article.objects.filter(slug__startswith="bench-").exclude(slug=MANY).count()
    started = time.perf_counter()
    for start in range(have, wanted, BATCH):
        with transaction.atomic():
            numbers = range(start, min(start + BATCH, wanted))
            articles = Article.objects.bulk_create(_article(n, author) for n in numbers)
            ReviewEvent.objects.bulk_create(
                ReviewEvent(article=a, actor=author, action=action, from_state=old, to_state=new)
                for a in articles
                for action, old, new in EVENTS[a.state]
            )
    if wanted > have:
        print(f"created {wanted - have} articles in {time.perf_counter() - started:.0f} s")


def _article(number: int, author: User) -> Article:
    state = STATES[number % len(STATES)]
    return Article(
        slug=f"bench-{number:06d}",
        title=f"Benchmark question number {number}: what is the answer?",
        summary="The answer in a sentence.",
        body=BODY,
        author=author,
        state=state,
        approved_at=timezone.now() if state == ReviewState.APPROVED else None,
    )


def _ensure_assignments(reviewer: User) -> None:
    if reviewer.review_assignments.exists():
        return
    under_review = Article.objects.filter(state=ReviewState.UNDER_REVIEW).order_by("pk")[:50]
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(article=a, reviewer=reviewer, assigned_by=reviewer) for a in under_review
    )


def _ensure_questions() -> None:
    asked = set(Question.objects.values_list("article_id", flat=True))
    articles = Article.objects.filter(slug__startswith="bench-").order_by("pk")
    ids = [pk for pk in articles.values_list("pk", flat=True)[::10] if pk not in asked]
    for start in range(0, len(ids), BATCH):
        Question.objects.bulk_create(
            Question(article_id=pk, text=f"A reader's question about article {pk}?", consent=True)
            for pk in ids[start : start + BATCH]
        )


def _ensure_many_versions(wanted: int, author: User, reviewer: User) -> Article:
    article = Article.objects.filter(slug=MANY).first()
    if article is None:
        article = Article(slug=MANY, title="An article edited many times?", body=BODY)
        article.author = author
        article = save_article(article=article, by=author, comment="Created")
    started, have = time.perf_counter(), _versions(article)
    for number in range(have, wanted):
        article.body = f"{BODY}\nEdit number {number}.\n"
        save_article(article=article, by=author, comment=f"Edit {number}")
    # In review, so the reviewer may open it (a state is review.services' to write, but this is
    # benchmark data, written the way the bulk-created articles are).
    Article.objects.filter(pk=article.pk).update(state=ReviewState.UNDER_REVIEW)
    events = article.review_events.count()
    ReviewEvent.objects.bulk_create(
        ReviewEvent(
            article=article,
            actor=reviewer,
            action=ReviewEvent.Action.COMMENT,
            from_state=ReviewState.UNDER_REVIEW,
            to_state=ReviewState.UNDER_REVIEW,
            comment=f"Comment {number}",
        )
        for number in range(events, wanted)
    )
    if wanted > have:
        print(f"saved {wanted - have} versions in {time.perf_counter() - started:.0f} s")
    article.refresh_from_db()
    return article


def _versions(article: Article) -> int:
    from reversion.models import Version

    return Version.objects.get_for_object(article).count()


def _time(client: Client, url: str, requests: int) -> None:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print(
        f"{url:55} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {len(queries):3d} queries  "
        f"{len(response.content) / 1024:7.1f} KiB"
    )


if __name__ == "__main__":
    main()
