"""Load the demo: groups, the demo users, disclaimers and the NSCLC HER2 article in Submitted."""

import os
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from articles.importing import read_article_file
from articles.models import Article, Disclaimer
from articles.selectors import latest_revision_id
from articles.services import import_article
from public.demo import disclaimers
from review import services as review_services
from review.workflow import ADMINS, AUTHORS, GROUPS, REVIEWERS

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_ARTICLE = DEMO_DIR / "nsclc-her2-exon-20-first-line.md"

DEMO_USERS = (
    # username, display name, credentials, group
    ("author", "Sam Carter", "Medical writer", AUTHORS),
    ("reviewer", "Dr. Ana Reyes", "MD, Medical Oncology", REVIEWERS),
    ("reviewer2", "Dr. Tomas Lind", "MD, PhD, Thoracic Oncology", REVIEWERS),
    ("admin", "Site administrator", "", ADMINS),
)


class Command(BaseCommand):
    help = "Load the demo data (safe to run again). Passwords come from DEMO_PASSWORD."

    def handle(self, *args, **options):
        if settings.VETTED_ENVIRONMENT == "production":
            raise CommandError("load_demo is refused in production settings.")
        password = os.environ.get("DEMO_PASSWORD", "")
        if not password:
            raise CommandError("Set DEMO_PASSWORD to the password the demo users should have.")
        with transaction.atomic():
            users = self._users(password)
            self._disclaimers(users["admin"])
            article = self._article(users["author"])
        self.stdout.write(
            f"Demo loaded: /articles/{article.slug}/ is {article.get_state_display()}; "
            f"users {', '.join(users)} (password from DEMO_PASSWORD)."
        )

    def _users(self, password: str) -> dict[str, User]:
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
        users = {}
        for username, display_name, credentials, group in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.display_name, user.credentials = display_name, credentials
            user.email = f"{username}@example.org"
            user.is_active = True
            user.is_staff = user.is_superuser = username == "admin"
            user.set_password(password)
            user.save()
            user.groups.set([groups[group]])
            users[username] = user
        return users

    def _disclaimers(self, admin: User) -> None:
        for audience, (title, body) in (
            (Disclaimer.Audience.PROFESSIONAL, disclaimers.PROFESSIONAL),
            (Disclaimer.Audience.LAY, disclaimers.LAY),
        ):
            if Disclaimer.objects.filter(audience=audience).exists():
                continue  # admins may have edited it; never overwrite
            with reversion.create_revision():
                Disclaimer.objects.create(audience=audience, title=title, body=body)
                reversion.set_user(admin)
                reversion.set_comment("Demo disclaimer")

    def _article(self, author: User) -> Article:
        source = read_article_file(DEMO_ARTICLE)
        article = Article.objects.filter(slug=source.slug).first()
        if article is not None:
            return article  # already loaded; its review may have moved on
        article = import_article(source=source, by=author)
        review_services.submit(
            article=article,
            by=author,
            seen_revision_id=latest_revision_id(article),
            comment="Demo article, ready for the advisory board.",
        )
        return article
