"""Time the public lists and search on the database in DATABASE_URL (PostgreSQL), in process.

    createdb -h 127.0.0.1 -U postgres vetted_h_search_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_h_search_bench
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/search_bench.py --articles 10000     # adds articles up to 10 000
    .venv/bin/python bench/search_bench.py --articles 100000 -n 30

It first brings the number of public articles up to --articles with minimal Article + Edition
rows (bulk-created, 2% withdrawn, 5% pending review, one or two of 20 topics each), indexed with
articles.search.index_articles; then, with django.test.Client, warms each page and times -n
requests of it: varied searches (rare, common and very common words, two words, a phrase), `/`,
`/?page=50`, a topic page and its page 20. It prints p50/p95 and the queries one request makes.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from reversion.models import Revision  # noqa: E402

from accounts.models import User  # noqa: E402
from articles.models import Article, Edition, ReviewState, Topic  # noqa: E402
from articles.search import index_articles  # noqa: E402

MEDICAL_WORDS = (
    "platinum pemetrexed carboplatin cisplatin osimertinib zongertinib trastuzumab deruxtecan "
    "amivantamab mobocertinib docetaxel nivolumab pembrolizumab durvalumab radiotherapy "
    "surgery adjuvant neoadjuvant metastatic stage biopsy mutation exon insertion receptor "
    "kinase inhibitor antibody conjugate toxicity neutropenia pneumonitis fatigue nausea "
    "anaemia survival progression response remission relapse guideline trial cohort placebo "
    "dose infusion tablet hypertension diabetes asthma migraine arthritis osteoporosis "
    "fracture vaccine influenza measles hepatitis cirrhosis kidney dialysis transplant "
    "pregnancy breastfeeding infant adolescent dementia stroke thrombosis anticoagulant "
    "warfarin apixaban"
)
MEDICAL = MEDICAL_WORDS.split()
SYLLABLES = [consonant + vowel for consonant in "bdklmnrstvz" for vowel in "aeiou"]
TOPICS = [f"Topic {name}" for name in "abcdefghijklmnopqrst"]
BATCH = 5000


def vocabulary(rng: random.Random) -> list[str]:
    pseudo = {"".join(rng.choices(SYLLABLES, k=rng.randint(3, 5))) for _ in range(6000)}
    return MEDICAL + sorted(pseudo)


def zipf_words(rng, words, weights, k) -> str:
    return " ".join(rng.choices(words, cum_weights=weights, k=k))


def add_articles(target: int, seed: int = 7) -> None:
    public = Article.objects.public().count()
    missing = target - public
    if missing <= 0:
        print(f"{public:,} public articles already")
        return
    rng = random.Random(seed + public)
    words = vocabulary(random.Random(seed))
    cum, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        cum.append(total)
    author, _ = User.objects.get_or_create(username="bench-author")
    revision = Revision.objects.create(comment="bench", date_created=timezone.now())
    topics = [Topic.objects.get_or_create(name=n, slug=n.lower().replace(" ", "-"))[0]
              for n in TOPICS]  # fmt: skip
    start = Article.objects.count()
    now = timezone.now()
    began = time.perf_counter()
    new_ids = []
    for first in range(0, missing, BATCH):
        with transaction.atomic():
            batch = []
            for i in range(start + first, start + min(first + BATCH, missing)):
                title = zipf_words(rng, words, cum, 8).capitalize() + "?"
                summary = zipf_words(rng, words, cum, 25).capitalize() + "."
                body = zipf_words(rng, words, cum, 320)
                pending = rng.random() < 0.05
                batch.append((i, title, summary, body, pending))
            articles = Article.objects.bulk_create(
                Article(slug=f"bench-{i}", title=title, summary=summary, body=body,
                        author=author, state=ReviewState.SUBMITTED if pending
                        else ReviewState.APPROVED,
                        live_revision=None if pending else revision)
                for i, title, summary, body, pending in batch
            )  # fmt: skip
            Edition.objects.bulk_create(
                Edition(article=article, kind="pending" if pending else "approved",
                        number=None if pending else 1, revision=revision,
                        published_at=now - timedelta(minutes=target - i),
                        content_sha256="0" * 64, stored_sha256="0" * 64, title=title,
                        summary=summary, search_text=f"{title}\n{summary}\n{body}",
                        renditions={"": {"summary": summary, "body_html": f"<p>{body}</p>"}})
                for article, (i, title, summary, body, pending) in zip(articles, batch,
                                                                      strict=True)
            )  # fmt: skip
            Article.topics.through.objects.bulk_create(
                Article.topics.through(article_id=a.pk, topic_id=t.pk)
                for a in articles
                for t in rng.sample(topics, rng.randint(1, 2))
            )
            with connection.cursor() as cursor:  # a benchmark's shortcut past the services
                cursor.execute(
                    "UPDATE articles_article a SET public_edition_id = e.id,"
                    " published_at = e.published_at,"
                    " withdrawn_at = CASE WHEN random() < 0.02 THEN e.published_at END"
                    " FROM articles_edition e WHERE e.article_id = a.id AND a.id = ANY(%s)",
                    [[a.pk for a in articles]],
                )
            new_ids += [a.pk for a in articles]
        print(f"  {len(new_ids):,}/{missing:,} articles", end="\r", flush=True)
    print(f"added {missing:,} articles in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    written = index_articles(new_ids)
    print(f"index_articles({len(new_ids):,} ids): {written:,} entries"
          f" in {time.perf_counter() - began:.1f} s")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def queries(rng: random.Random, n: int) -> list[str]:
    words = vocabulary(random.Random(7))
    kinds = [
        lambda: rng.choice(words[2000:6000]),  # rare: about 1% of articles
        lambda: rng.choice(words[100:400]),  # common: 10-30%
        lambda: rng.choice(words[:8]),  # in nearly every article
        lambda: f"{rng.choice(words[:50])} {rng.choice(words[50:300])}",  # two words
        lambda: f'"{rng.choice(MEDICAL[:20])} {rng.choice(MEDICAL[:20])}"',  # a phrase
    ]
    return [kinds[i % len(kinds)]() for i in range(n)]


def timed(client: Client, urls: list[str], warm: int = 3) -> tuple[list[float], list[float], int]:
    """Wall time of each request, the time its SQL took, and the queries of one request."""
    for url in urls[:warm]:
        client.get(url)
    times, sql_times, statuses = [], [], set()
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        statuses.add(response.status_code)
    assert statuses == {200}, (urls[0], statuses)
    return times, sql_times, len(captured)


def percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[max(0, round(0.95 * len(values)) - 1)]


def report(name: str, times: list[float], sql_times: list[float], query_count: int) -> None:
    p50, p95 = percentiles(times)
    sql50, sql95 = percentiles(sql_times)
    print(f"{name:<34} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(times):6.1f} ms"
          f"  | SQL p50 {sql50:5.1f} p95 {sql95:5.1f} ms  {query_count} queries"
          f"  n={len(times)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    add_articles(args.articles)
    print(f"{Article.objects.public().count():,} public articles;"
          f" {Article.objects.count():,} in all; DEBUG={settings.DEBUG}")  # fmt: skip
    client, rng = Client(), random.Random(11)
    searches = queries(rng, args.n)
    topic = Topic.objects.get(slug="topic-a")
    for name, urls in [
        ("/search/?q= (varied)", [f"/search/?q={q}" for q in searches]),
        ("/search/?q= rare word", [f"/search/?q={q}" for q in searches[0::5]] * 5),
        ("/search/?q= word in nearly all", [f"/search/?q={q}" for q in searches[2::5]] * 5),
        ("/search/?q=...&page=10", [f"/search/?q={q}&page=10" for q in searches[2::5]] * 5),
        ("/", ["/"] * args.n),
        ("/?page=50", ["/?page=50"] * args.n),
        (f"/topics/{topic.slug}/", [f"/topics/{topic.slug}/"] * args.n),
        (f"/topics/{topic.slug}/?page=20", [f"/topics/{topic.slug}/?page=20"] * args.n),
    ]:
        report(name, *timed(client, urls))


if __name__ == "__main__":
    main()
