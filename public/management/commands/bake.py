"""Write every published article page, per reader role, as static files for nginx."""

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connections

from articles.models import Article
from public.baking import bake_article, bake_site

CHUNK = 500  # articles a worker process takes at a time


class Command(BaseCommand):
    help = "Bake every published article page, per reader role, into OUTDIR (see deploy/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("outdir", type=Path)
        parser.add_argument(
            "--processes", type=int, default=1,
            help="bake in this many processes (a first bake of a large site: one per core)",
        )  # fmt: skip

    def handle(self, *args, outdir: Path, processes: int, **options) -> None:
        started = time.monotonic()
        outdir = outdir.resolve()
        if processes <= 1:
            count = bake_site(outdir)
        else:
            count = self._in_processes(outdir, processes)
            bake_site(outdir, resume_after=2**62)  # the error pages; nothing left to bake
        seconds = time.monotonic() - started
        self.stdout.write(f"Baked {count} articles into {outdir} in {seconds:.0f} s.")

    def _in_processes(self, outdir: Path, processes: int) -> int:
        slugs = list(
            Article.objects.filter(public_edition__isnull=False)
            .order_by("pk")
            .values_list("slug", flat=True)
        )
        chunks = [slugs[i : i + CHUNK] for i in range(0, len(slugs), CHUNK)]
        connections.close_all()  # each process opens its own
        with ProcessPoolExecutor(processes, initializer=connections.close_all) as pool:
            return sum(pool.map(_bake_chunk, [outdir] * len(chunks), chunks))


def _bake_chunk(outdir: Path, slugs: list[str]) -> int:
    return sum(bake_article(outdir, slug) for slug in slugs)
