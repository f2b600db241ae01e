from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from articles.importing import read_article_file
from articles.services import import_article


class Command(BaseCommand):
    help = "Import an article from a Markdown file with YAML front matter, as a new revision."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--author", required=True, help="Username recorded on the revision.")

    def handle(self, *args, path: Path, author: str, **options):
        user = User.objects.filter(username=author, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user '{author}'.")
        try:
            article = import_article(source=read_article_file(path), by=user)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(f"Imported '{article.slug}' ({article.get_state_display()}).")
