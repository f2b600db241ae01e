"""Bring the Spanish catalogues up to date with the code: `manage.py update_catalogues`.

Django's makemessages puts each message in the catalogue of the app whose folder holds the
file (an app's templates live in <app>/templates, so the review desk's words go to
review/locale) and the rest in the site's (locale/). A message that moved between catalogues,
a template moved to its app for instance, would come back untranslated there and obsolete
where it was: here every catalogue lends its translations to the others first, so only a new
message is left to translate. Then the obsolete entries go, and what is left to translate is
listed (the catalogue test fails until it is translated by hand; `make install` compiles).
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import BaseCommand, call_command

LANGUAGE = "es"
IGNORED = [".venv", "node_modules", "tests", "bench", "build", "staticfiles"]


def catalogues(base: Path, language: str = LANGUAGE) -> list[Path]:
    """The site's catalogue and each app's, as the Makefile compiles them."""
    return sorted(
        [
            base / "locale" / language / "LC_MESSAGES" / "django.po",
            *base.glob(f"*/locale/{language}/LC_MESSAGES/django.po"),
        ]
    )


def _key(entry: polib.POEntry) -> tuple:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def translations(paths: list[Path]) -> dict[tuple, polib.POEntry]:
    """Every message the catalogues translate (their obsolete entries too), by its context,
    text and plural: read before makemessages, whose fuzzy matching may lend a message's old
    translation to a new one and drop it from where it was."""
    known: dict[tuple, polib.POEntry] = {}
    for path in paths:
        for entry in polib.pofile(str(path)):
            written = entry.msgstr or any(entry.msgstr_plural.values())
            if written and not entry.fuzzy:
                known.setdefault(_key(entry), entry)
    return known


def lend_translations(
    paths: list[Path], known: dict[tuple, polib.POEntry]
) -> list[tuple[Path, polib.POEntry]]:
    """Fill each catalogue's untranslated or fuzzy entries from `known`, drop the obsolete
    ones, save; return the entries still to translate."""
    left = []
    for path in paths:
        catalogue = polib.pofile(str(path), wrapwidth=100)
        for entry in list(catalogue):
            if entry.obsolete:
                catalogue.remove(entry)
                continue
            if entry.translated():
                continue
            found = known.get(_key(entry))
            if found is None:
                left.append((path, entry))
                continue
            entry.msgstr, entry.msgstr_plural = found.msgstr, dict(found.msgstr_plural)
            entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
        catalogue.save()
    return left


class Command(BaseCommand):
    help = "Update the Spanish catalogues from the code, keeping every translation already written."

    def handle(self, *args, **options) -> None:
        base = Path(settings.BASE_DIR)
        known = translations(catalogues(base))
        call_command("makemessages", locale=[LANGUAGE], ignore_patterns=IGNORED, verbosity=0)
        left = lend_translations(catalogues(base), known)
        for path, entry in left:
            where = entry.occurrences[0][0] if entry.occurrences else "?"
            catalogue = path.relative_to(base)
            self.stdout.write(f"To translate in {catalogue}: {entry.msgid!r} ({where})")
        self.stdout.write(f"{len(left)} message(s) to translate.")
