"""Check every edition's seal and pinned revision, and say what differs.

In batches by id: each batch's check is recorded per edition (the admin shows when each was
last verified and what was found) and the run's progress with it, so `--resume` continues an
interrupted run where it stopped. `--since` checks only the editions published since a date
(a nightly run: `--since 2d`). `--reseal` seals again, with the current key, the editions that
verify under an older one (after a new key is put first in VETTED_EDITION_KEYS).

Exit status 1 when any edition differs, so a scheduled job or CI can alert on it.
"""

import re
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import QuerySet
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Edition
from personalization.selectors import approval_fingerprint
from publishing.editions import STORED_SHA256_VERSION, check_seal, revision_digests, seal
from publishing.models import EditionCheck, VerificationRun

# Read every revision afresh: a cached rendering would hide a revision that changed underneath.
FRESH_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "vetted-verify-editions",  # a store of its own, empty at the start
    }
}
BATCH = 500


class Command(BaseCommand):
    help = "Check every edition's seal and pinned revision; name what differs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            help="Only editions published since: a date (2026-12-01), a time, or days ago (2d).",
        )
        parser.add_argument(
            "--resume", action="store_true", help="Continue the last run that did not finish."
        )
        parser.add_argument(
            "--reseal",
            action="store_true",
            help="Seal with the current key each edition that verifies under an older one.",
        )

    def handle(self, *args, since: str | None, resume: bool, reseal: bool, **options) -> None:
        run = self._run(since, resume)
        started = time.monotonic()
        editions = Edition.objects.select_related("article").order_by("pk")
        if run.since:
            editions = editions.filter(published_at__gte=run.since)
        with override_settings(CACHES=FRESH_CACHE):
            cache.clear()
            while batch := list(editions.filter(pk__gt=run.last_edition_id)[:BATCH]):
                self._check(run, batch, reseal=reseal)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        took = time.monotonic() - started
        if run.failed:
            raise CommandError(f"{run.failed} of {run.checked} editions differ ({took:.0f} s).")
        self.stdout.write(f"All {run.checked} editions match what was published ({took:.0f} s).")

    def _run(self, since: str | None, resume: bool) -> VerificationRun:
        if resume:
            run = VerificationRun.objects.filter(finished_at__isnull=True).first()
            if run is None:
                raise CommandError("No unfinished run to resume.")
            self.stdout.write(
                f"Resuming the run of {run.started_at:%Y-%m-%d %H:%M} after edition "
                f"{run.last_edition_id} ({run.checked} checked)."
            )
            return run
        return VerificationRun.objects.create(since=_moment(since) if since else None)

    def _check(self, run: VerificationRun, batch: list[Edition], *, reseal: bool) -> None:
        digests = revision_digests({e.revision_id for e in batch if e.revision_sha256})
        now, checks, resealed = timezone.now(), [], []
        for edition in batch:
            findings = check_seal(edition)
            if edition.revision_sha256:
                if digests.get(edition.revision_id) != edition.revision_sha256:
                    findings.append("the pinned revision's stored versions were changed")
            else:  # from before the revision digest: the revision rendered again (slow)
                findings += _rendered_again(edition)
            if not findings and reseal and _sealed_with_an_older_key(edition):
                seal(edition)
                resealed.append(edition)
            for finding in findings:
                self.stderr.write(
                    f"{edition.article.slug} edition {edition.number or '(pending)'} "
                    f"[id {edition.pk}]: {finding}"
                )
            checks.append(EditionCheck(edition=edition, checked_at=now, passed=not findings,
                                       findings=findings))  # fmt: skip
            run.checked += 1
            run.failed += bool(findings)
        run.last_edition_id = batch[-1].pk
        with transaction.atomic():
            EditionCheck.objects.bulk_create(
                checks, update_conflicts=True, unique_fields=["edition"],
                update_fields=["checked_at", "passed", "findings"],
            )  # fmt: skip
            if resealed:  # the one change an edition may have: its seal, by a newer key
                QuerySet(model=Edition).bulk_update(
                    resealed, ["seals", "seal_key_id", "stored_sha256"]
                )
            run.save(update_fields=["last_edition_id", "checked", "failed"])


def _rendered_again(edition: Edition) -> list[str]:
    try:
        recomputed = approval_fingerprint(edition.article, edition.revision_id)
    except Exception as exc:  # a revision that no longer reads is itself the finding
        return [f"the pinned revision cannot be read: {type(exc).__name__}: {exc}"]
    if recomputed != edition.content_sha256:
        return ["the pinned revision no longer gives the approved text"]
    return []


def _sealed_with_an_older_key(edition: Edition) -> bool:
    current = next(iter(settings.VETTED_EDITION_KEYS))
    return edition.stored_sha256_version == STORED_SHA256_VERSION and (
        edition.seal_key_id != current
    )


def _moment(value: str) -> datetime:
    if match := re.fullmatch(r"(\d+)d", value.strip()):
        return timezone.now() - timedelta(days=int(match[1]))
    if moment := parse_datetime(value):
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    if day := parse_date(value):
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))
    raise CommandError(f"--since {value!r}: give a date (2026-12-01), a time, or days ago (2d).")
