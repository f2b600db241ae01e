"""Recompute every edition's fingerprints and report any that no longer match.

Exit status 1 when any edition differs, so a scheduled job or CI can alert on it.
"""

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from articles.models import Edition
from publishing.editions import verify

# Read every revision afresh: a cached rendering would hide a revision that changed underneath.
FRESH_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "vetted-verify-editions",  # a store of its own, empty at the start
    }
}


class Command(BaseCommand):
    help = "Recompute the SHA-256 of every edition (stored text and pinned revision)."

    def handle(self, *args, **options) -> None:
        checked, failed = 0, 0
        with override_settings(CACHES=FRESH_CACHE):
            cache.clear()
            editions = Edition.objects.select_related("article").order_by("pk")
            for edition in editions.iterator(chunk_size=200):
                checked += 1
                for problem in verify(edition):
                    failed += 1
                    self.stderr.write(
                        f"{edition.article.slug} edition {edition.number or '(pending)'} "
                        f"[id {edition.pk}]: {problem}"
                    )
        if failed:
            raise CommandError(f"{failed} problem(s) in {checked} editions.")
        self.stdout.write(f"All {checked} editions match what was published.")
