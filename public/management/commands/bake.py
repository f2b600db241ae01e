"""Write every published article page, per reader role, as static files for nginx."""

from pathlib import Path

from django.core.management.base import BaseCommand

from public.baking import bake_site


class Command(BaseCommand):
    help = "Bake every published article page, per reader role, into OUTDIR (see deploy/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("outdir", type=Path)

    def handle(self, *args, outdir: Path, **options) -> None:
        count = bake_site(outdir.resolve())
        self.stdout.write(f"Baked {count} articles into {outdir}.")
