from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from articles.reference_import import (
    ImportChanged,
    ImportPlan,
    Outcome,
    UnreadableFile,
    parse_file,
    plan_import,
)
from articles.services import import_references


class Command(BaseCommand):
    help = (
        "Import references from a RIS, BibTeX, PubMed MEDLINE (.nbib) or PubMed XML file: every "
        "new one or none, as one revision. Duplicates (same DOI or PMID) are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; write nothing."
        )
        parser.add_argument("--by", metavar="USERNAME", help="Username recorded on the revision.")

    def handle(self, *args, path: Path, dry_run: bool, by: str | None, **options):
        user = None
        if by is not None:
            user = User.objects.filter(username=by, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user '{by}'.")
        try:
            parsed = parse_file(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            self._report(plan_import(parsed))
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            plan = import_references(parsed=parsed, by=user)
        except (ImportChanged, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("Nothing was imported. " + " ".join(messages)) from exc
        self._report(plan)
        self.stdout.write(self.style.SUCCESS(f"Imported {len(plan.new)} references."))

    def _report(self, plan: ImportPlan) -> None:
        self.stdout.write(plan.summary)
        for row in plan.rows:
            if row.outcome is Outcome.NEW:
                self.stdout.write(f"  {row.record.number}: new [@{row.key}] {row.record.title}")
            else:
                title = row.record.title or "(no title)"
                self.stdout.write(f"  {row.record.number}: {row.description} {title}")
