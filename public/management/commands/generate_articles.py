"""Benchmark data: `generate_articles N` writes N realistic articles in a mix of review states."""

import random
import re
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from articles.models import Article, ReviewState
from public.generator import material, writer
from public.generator.questions import write_questions
from public.generator.writer import Plan, Writer
from publishing import citations, topic_lists
from review.services import queue_assignments
from review.tasks import flag_reviews_due


class Command(BaseCommand):
    help = (
        "Write N generated articles for benchmarks, in bulk: ~70% approved (1-3 editions), 10% "
        "submitted, 8% under review, 5% changes requested, 5% drafts, 2% withdrawn, each with "
        "the review events, reversion revisions, citations and editions the review moves would "
        "write. Slugs are gen-<seed>-<n>, continuing after any earlier run. Skipped: "
        + "; ".join(writer.SKIPPED)
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many articles to write.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same articles.")
        parser.add_argument(
            "--versions-of-one",
            type=int,
            default=0,
            metavar="K",
            help="Also write one article edited K times (approved every 100th, last submitted), "
            "for the review page and history benchmarks.",
        )
        parser.add_argument(
            "--questions",
            type=int,
            default=None,
            metavar="Q",
            help="Readers' questions on the published articles (default: one for every ten "
            "articles).",
        )
        parser.add_argument(
            "--due",
            type=int,
            default=None,
            metavar="D",
            help="Approved articles whose yearly review is due, put in the Review due queue as "
            "the daily task does (default: one in twenty articles; the others approved within "
            "the year).",
        )
        parser.add_argument("--batch", type=int, default=2000, help="Articles per transaction.")

    def handle(
        self, *args, count: int, seed: int, versions_of_one: int, batch: int,
        questions: int | None, due: int | None, **options,
    ):  # fmt: skip
        if settings.VETTED_ENVIRONMENT == "production":
            raise CommandError("generate_articles is refused in production settings.")
        questions = count // 10 if questions is None else questions
        due = count // 20 if due is None else due
        if min(count, versions_of_one, questions, due) < 0 or batch < 1:
            raise CommandError("N, K, Q and D must be 0 or more, and --batch at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            cast = material.cast()
            gen = Writer(
                seed=seed,
                cast=cast,
                topics=material.topics(),
                references=material.references(random.Random(seed), by=cast.authors[0]),
            )
        first = self._next_number(seed)
        plans = self._plans(seed, first, count, due=due)
        written: list[int] = []
        for start in range(0, count, batch):
            batch_ids = gen.write(plans[start : start + batch])
            queue_assignments(batch_ids)  # the reviewers' queues, as the review moves keep them
            written += batch_ids
            rate = len(written) / (time.monotonic() - started)
            self.stdout.write(f"{len(written):>9,}/{count:,} articles  ({rate:,.0f}/s)")
        if versions_of_one:
            slug = f"gen-{seed}-{first + count}-many-versions"
            rng = random.Random(f"{seed}:{first + count}")
            steps = writer.many_versions_story(versions_of_one)
            batch_ids = gen.write([Plan(slug, ReviewState.SUBMITTED, steps, rng)])
            queue_assignments(batch_ids)
            written += batch_ids
            self.stdout.write(f"/review/articles/{slug}/: {versions_of_one:,} versions")
        self._index(written)
        citations.fill_in(written)  # what the references API reads
        topic_lists.fill_in(written)  # what the topic pages read
        flagged = flag_reviews_due() if due else 0
        asked = write_questions(
            questions, article_ids=self._published(written), handlers=cast.reviewers, seed=seed,
            now=gen.now,
        )  # fmt: skip
        self.stdout.write(f"{flagged:,} articles due for review; {asked:,} readers' questions.")
        self._analyse()
        self.stdout.write(
            f"Wrote {len(written):,} articles (gen-{seed}-{first}…) in "
            f"{time.monotonic() - started:.1f} s. Not written: " + "; ".join(writer.SKIPPED) + "."
        )

    def _plans(self, seed: int, first: int, count: int, *, due: int) -> list[Plan]:
        plans = []
        states = list(writer.state_sequence(count))
        approved = states.count(ReviewState.APPROVED)
        if due > approved:
            raise CommandError(f"Only {approved:,} of the articles are approved: --due {due:,}.")
        # Spread through the run: every n-th approved article, the first `due` of them.
        every, picked = max(approved // due, 1) if due else 0, 0
        seen = 0
        for offset, state in enumerate(states):
            is_due = False
            if state == ReviewState.APPROVED:
                is_due = bool(every) and seen % every == 0 and picked < due
                picked += is_due
                seen += 1
            number = first + offset
            rng = random.Random(f"{seed}:{number}")
            plans.append(
                Plan(
                    slug=f"gen-{seed}-{number}",
                    state=state,
                    steps=writer.story(rng, state),
                    rng=rng,
                    sample=offset % writer.SAMPLE_EVERY == 0,
                    due=is_due,
                )
            )
        return plans

    @staticmethod
    def _next_number(seed: int) -> int:
        """After the highest n of any earlier run's gen-<seed>-<n>: slugs never collide."""
        pattern = re.compile(rf"gen-{seed}-(\d+)")
        slugs = Article.objects.filter(slug__startswith=f"gen-{seed}-").values_list("slug")
        numbers = [int(m[1]) for (slug,) in slugs.iterator() if (m := pattern.match(slug))]
        return max(numbers, default=-1) + 1

    @staticmethod
    def _published(article_ids: list[int]) -> list[int]:
        public = Article.objects.filter(pk__in=article_ids, withdrawn_at__isnull=True)
        return list(public.filter(public_edition__isnull=False).values_list("pk", flat=True))

    def _analyse(self) -> None:
        """The planner's statistics of what was written, and on PostgreSQL the visibility map
        index-only scans need: what autovacuum leaves a live database with (it may be off, or
        late, and a benchmark would then measure heap fetches no site pays)."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            # VACUUM runs outside a transaction only (a test's, or a caller's atomic block).
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(f"Analysed the tables in {time.monotonic() - started:.1f} s.")

    def _index(self, article_ids: list[int]) -> None:
        # The search index arrives with another branch; until then there is nothing to build.
        try:
            from articles.search import index_articles
        except ImportError:
            self.stdout.write("No articles.search.index_articles here: search index not built.")
            return
        started = time.monotonic()
        index_articles(article_ids)
        self.stdout.write(f"Indexed for search in {time.monotonic() - started:.1f} s.")
