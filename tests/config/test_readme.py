"""The README says what the code does: its app table and its production commands."""

import re
from pathlib import Path

from django.conf import settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
OURS = [app for app in settings.INSTALLED_APPS if (Path(settings.BASE_DIR) / app).is_dir()]


def test_the_app_table_lists_each_app_once():
    listed = re.findall(r"^\| `(\w+)/` \|", README, re.MULTILINE)
    assert sorted(listed) == sorted(OURS)


def test_the_production_commands_set_every_variable_production_cannot_start_without():
    section = README.split("## Running in production", 1)[1].split("```", 2)[1]
    exported = set(re.findall(r"\b([A-Z][A-Z_]+)=", section))
    required = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL", "EMAIL_URL",
                "VETTED_SITE_URL", "VETTED_EDITION_KEYS"}  # fmt: skip
    assert required <= exported
