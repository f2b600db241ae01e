"""Seal the editions written before keyed seals, each whose unkeyed fingerprint still matches
(one that does not is left as it is: verify_editions reports it)."""

from django.db import migrations
from django.db.models import QuerySet


def seal_existing(apps, schema_editor):
    from publishing.editions import STORED_SHA256_VERSION, legacy_sha256, revision_digests, seal

    Edition = apps.get_model("articles", "Edition")
    old = Edition.objects.filter(stored_sha256_version__lt=STORED_SHA256_VERSION).order_by("pk")
    last = 0
    while True:
        batch = list(old.filter(pk__gt=last)[:500])
        if not batch:
            return
        last = batch[-1].pk
        digests = revision_digests({e.revision_id for e in batch})
        sealed = []
        for edition in batch:
            if legacy_sha256(edition) != edition.stored_sha256:
                continue
            edition.revision_sha256 = digests[edition.revision_id]
            seal(edition)
            sealed.append(edition)
        QuerySet(model=Edition).bulk_update(  # a plain one: editions refuse updates
            sealed,
            ["revision_sha256", "seals", "seal_key_id", "stored_sha256", "stored_sha256_version"],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_edition_approvers"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
