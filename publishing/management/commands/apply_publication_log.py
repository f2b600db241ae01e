"""Apply every due delivery of the publication log in this process, without the broker."""

from django.core.management.base import BaseCommand

from publishing.delivery import apply_due, oldest_unapplied


class Command(BaseCommand):
    help = (
        "Carry every due publication log entry to the baked files and the edge now, in this "
        "process (a deployment without a worker, or catching up after a broker outage)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=10_000)

    def handle(self, *args, limit: int, **options) -> None:
        applied = apply_due(limit=limit)
        oldest = oldest_unapplied()
        waiting = f"; oldest still waiting: {oldest:%Y-%m-%d %H:%M:%S}" if oldest else ""
        self.stdout.write(f"Applied {applied} deliveries{waiting}.")
