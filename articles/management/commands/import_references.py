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
        "new one or none, as one revision. Duplicates (same DOI or PMID) are skipped; likely "
        "duplicates (same title, year and journal) as --likely-duplicates says."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; write nothing."
        )
        parser.add_argument("--by", metavar="USERNAME", help="Username recorded on the revision.")
        parser.add_argument(
            "--likely-duplicates",
            choices=["skip", "import"],
            help=(
                "What to do with records that have no DOI or PMID in common with a reference "
                "here but its title, year and journal. Required when the file has any."
            ),
        )

    def handle(self, *args, path: Path, dry_run: bool, by: str | None,
               likely_duplicates: str | None, **options):  # fmt: skip
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
        plan = plan_import(parsed)
        if dry_run:
            self._report(plan)
            self.stdout.write("Dry run: nothing was written.")
            return
        if plan.likely_duplicates and likely_duplicates is None:
            # Never decided for the person: they say whether these are the same works.
            self._report(plan)
            raise CommandError(
                f"Nothing was imported. {len(plan.likely_duplicates)} record(s) look like "
                "references already here (same title, year and journal); run again with "
                "--likely-duplicates=skip or --likely-duplicates=import."
            )
        anyway = [row.record.number for row in plan.likely_duplicates]
        if likely_duplicates != "import":
            anyway = []
        try:
            plan = import_references(parsed=parsed, by=user, import_anyway=anyway)
        except (ImportChanged, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("Nothing was imported. " + " ".join(messages)) from exc
        self._report(plan)
        self.stdout.write(self.style.SUCCESS(f"Imported {len(plan.saved)} references."))

    def _report(self, plan: ImportPlan) -> None:
        self.stdout.write(plan.summary)
        for row in plan.rows:
            if row.outcome is Outcome.NEW:
                self.stdout.write(f"  {row.record.number}: new [@{row.key}] {row.record.title}")
            else:
                title = row.record.title or "(no title)"
                self.stdout.write(f"  {row.record.number}: {row.description} {title}")
