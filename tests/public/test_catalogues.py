"""Every message the code marks for translation is in its catalogue, translated: makemessages,
run on a copy of the project, finds nothing new to translate, nothing fuzzy and nothing
obsolete (`manage.py update_catalogues` brings them up to date when it does)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from public.management.commands.update_catalogues import IGNORED, LANGUAGE, catalogues

BASE = Path(settings.BASE_DIR)

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (make install installs it)"
)


@pytest.fixture(scope="module")
def remade(tmp_path_factory) -> Path:
    """The project copied without its tests and tools, its catalogues remade from its code."""
    copy = tmp_path_factory.mktemp("project") / "vetted"
    shutil.copytree(
        BASE, copy, ignore=shutil.ignore_patterns(".git", "*.mo", "*.pyc", "__pycache__", *IGNORED)
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", LANGUAGE, "-v", "0",
         *(f"--ignore={pattern}" for pattern in IGNORED)],
        cwd=copy, check=True, capture_output=True,
    )  # fmt: skip
    return copy


def _entries(path: Path) -> dict[tuple, str]:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): e.msgstr or str(sorted(e.msgstr_plural.items()))
        for e in polib.pofile(str(path))
        if not e.obsolete
    }


@pytest.mark.parametrize("path", catalogues(BASE), ids=lambda path: str(path.relative_to(BASE)))
def test_the_catalogue_holds_every_message_of_its_code_translated(remade, path):
    catalogue = polib.pofile(str(remade / path.relative_to(BASE)))
    untranslated = [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert not untranslated, "run manage.py update_catalogues and translate these"
    unused = [e.msgid for e in catalogue.obsolete_entries()]
    assert not unused, "run manage.py update_catalogues: these are no longer in the code"
    assert _entries(remade / path.relative_to(BASE)) == _entries(path)
