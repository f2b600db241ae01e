"""Articles approved (or submitted) before editions existed get theirs: edition 1 of the approved
revision, or the pending snapshot of the submitted one, rendered as they read today.

Rendering needs the application's code (Markdown, glossary, reader roles), so this runs it with
the current models, but only when there are rows to convert: a new database skips it at once.
"""

from django.db import migrations


def write_editions(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    waiting = Article.objects.filter(public_edition__isnull=True).exclude(
        live_revision__isnull=True, submitted_revision__isnull=True
    )
    if not waiting.exists():
        return
    from publishing.editions import backfill

    backfill(waiting.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editions"),
        ("review", "0004_notification_outbox_email"),
    ]

    operations = [migrations.RunPython(write_editions, migrations.RunPython.noop)]
