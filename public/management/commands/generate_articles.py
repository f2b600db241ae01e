"""Benchmark data: `generate_articles N` writes N realistic articles in a mix of review states."""

import random
import re
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, ReviewState
from public.generator import material, writer
from public.generator.writer import Plan, Writer
from review.services import queue_assignments


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
        parser.add_argument("--batch", type=int, default=2000, help="Articles per transaction.")

    def handle(self, *args, count: int, seed: int, versions_of_one: int, batch: int, **options):
        if settings.VETTED_ENVIRONMENT == "production":
            raise CommandError("generate_articles is refused in production settings.")
        if count < 0 or versions_of_one < 0 or batch < 1:
            raise CommandError("N and K must be 0 or more, and --batch at least 1.")
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
        plans = self._plans(seed, first, count)
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
        self.stdout.write(
            f"Wrote {len(written):,} articles (gen-{seed}-{first}…) in "
            f"{time.monotonic() - started:.1f} s. Not written: " + "; ".join(writer.SKIPPED) + "."
        )

    def _plans(self, seed: int, first: int, count: int) -> list[Plan]:
        plans = []
        states = writer.state_sequence(count)
        for offset, state in enumerate(states):
            number = first + offset
            rng = random.Random(f"{seed}:{number}")
            plans.append(
                Plan(
                    slug=f"gen-{seed}-{number}",
                    state=state,
                    steps=writer.story(rng, state),
                    rng=rng,
                    sample=offset % writer.SAMPLE_EVERY == 0,
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
