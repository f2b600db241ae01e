"""Editions that prove themselves: a keyed seal over every field readers or clients are shown,
checked by verify_editions, which names what differs, in resumable batches."""

import importlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import Edition
from publishing.editions import SEALED_FIELDS, check_seal, legacy_sha256
from publishing.models import EditionCheck, VerificationRun
from tests.api.conftest import approve  # noqa: F401 (fixture)


@pytest.fixture
def edition(make_article, approve):  # noqa: F811
    article = approve(make_article())
    return Edition.objects.get(pk=article.public_edition_id)


def _forge(edition: Edition, **columns) -> None:
    """What someone who can write the row would do: no model code, no key."""
    sets = ", ".join(f"{name} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE articles_edition SET {sets} WHERE id = %s", [*columns.values(), edition.pk]
        )


def _verify(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_editions", *args, stdout=out, stderr=err)
    except CommandError as failed:
        err.write(str(failed))
    return out.getvalue(), err.getvalue()


def test_an_edition_is_sealed_field_by_field_with_the_current_key(edition, settings):
    assert edition.seal_key_id == next(iter(settings.VETTED_EDITION_KEYS))
    assert set(edition.seals) == set(SEALED_FIELDS)
    assert {"published_at", "change_note", "search_text", "change_log"} <= set(SEALED_FIELDS)
    assert check_seal(Edition.objects.get(pk=edition.pk)) == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("published_at", "2020-01-01 00:00:00"),
        ("change_note", "Nothing changed."),
        ("search_text", "injected words"),
        ("approver_name", "Dr. Nobody"),
    ],
)
def test_a_forged_field_is_named_by_verify_editions(edition, column, value):
    assert "All 1 editions match" in _verify()[0]
    _forge(edition, **{column: value})
    err = _verify()[1]
    assert f"{column} differs from what was sealed" in err
    assert "1 of 1 editions differ" in err
    check = EditionCheck.objects.get(edition=edition)
    assert not check.passed and check.findings == [f"{column} differs from what was sealed"]


def test_recomputing_an_unkeyed_hash_does_not_make_a_forgery_verify(edition):
    forged = Edition.objects.get(pk=edition.pk)
    forged.published_at = timezone.now() - timedelta(days=900)
    # The old fingerprint, recomputed by the forger: without the key the seals cannot be.
    _forge(edition, published_at=forged.published_at, stored_sha256=legacy_sha256(forged))
    assert "published_at differs from what was sealed" in _verify()[1]


def test_a_forged_seal_itself_is_found(edition):
    seals = dict(edition.seals, title="0" * 32)
    _forge(edition, seals=json.dumps(seals))
    assert "title differs from what was sealed" in _verify()[1]


def test_a_changed_pinned_revision_is_found_without_rendering_it(edition, monkeypatch):
    version = Version.objects.filter(revision_id=edition.revision_id).first()
    Version.objects.filter(pk=version.pk).update(serialized_data=version.serialized_data + " ")
    monkeypatch.setattr(
        "publishing.management.commands.verify_editions.approval_fingerprint",
        lambda *args: pytest.fail("a sealed edition's revision is checked by its digest"),
    )
    assert "the pinned revision's stored versions were changed" in _verify()[1]


def test_keys_rotate_with_reseal(edition, settings):
    old = dict(settings.VETTED_EDITION_KEYS)
    settings.VETTED_EDITION_KEYS = {"k2027": b"n" * 40, **old}  # a new key first
    assert "All 1 editions match" in _verify("--reseal")[0]
    assert Edition.objects.get(pk=edition.pk).seal_key_id == "k2027"
    settings.VETTED_EDITION_KEYS = {"k2027": b"n" * 40}  # the old key retired
    assert "All 1 editions match" in _verify()[0]
    settings.VETTED_EDITION_KEYS = {"other": b"x" * 40}
    assert "sealed with key 'k2027', which VETTED_EDITION_KEYS lacks" in _verify()[1]


def test_an_interrupted_run_resumes_where_it_stopped(make_article, approve):  # noqa: F811
    editions = [approve(make_article(slug=f"a-{n}")).public_edition_id for n in range(3)]
    VerificationRun.objects.create(last_edition_id=editions[0], checked=1)  # stopped after one
    out, _ = _verify("--resume")
    assert "Resuming" in out and "All 3 editions match" in out  # 1 before, 2 now
    assert set(EditionCheck.objects.values_list("edition", flat=True)) == set(editions[1:])
    assert "No unfinished run" in _verify("--resume")[1]


def test_since_checks_only_what_was_published_since(make_article, approve):  # noqa: F811
    old, new = (approve(make_article(slug=s)).public_edition for s in ("old", "new"))
    _forge(old, published_at=timezone.now() - timedelta(days=30))  # forged, but not checked
    assert "All 1 editions match" in _verify("--since", "2d")[0]
    assert list(EditionCheck.objects.values_list("edition", flat=True)) == [new.pk]
    assert "give a date" in _verify("--since", "yesterday")[1]


def test_the_admin_shows_when_an_edition_was_last_verified(edition, admin_user):
    client = Client()
    client.force_login(admin_user)
    assert "Never" in client.get("/admin/articles/edition/").content.decode()
    _verify()
    page = client.get("/admin/articles/edition/").content.decode()
    assert "Passed" in page and "Never" not in page


def test_the_migration_seals_the_editions_written_before_the_keys(edition):
    legacy = Edition.objects.get(pk=edition.pk)
    legacy.stored_sha256_version = 2
    _forge(edition, stored_sha256_version=2, stored_sha256=legacy_sha256(legacy), seals="{}",
           seal_key_id="", revision_sha256="")  # fmt: skip
    assert "sealed before keyed seals" in _verify()[1]
    migration = importlib.import_module("articles.migrations.0021_seal_existing_editions")
    migration.seal_existing(apps, None)
    assert check_seal(Edition.objects.get(pk=edition.pk)) == []
    assert "All 1 editions match" in _verify()[0]
