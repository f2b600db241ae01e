"""Notifications become links to outbox e-mails: each existing one is copied into the outbox
(sent if it had gone, queued if not, so the outbox sweep sends it), then its own copy of the
address and text is dropped."""

import django.db.models.deletion
from django.db import migrations, models


def copy_into_outbox(apps, schema_editor):
    Notification = apps.get_model("review", "Notification")
    Email = apps.get_model("outbox", "Email")
    for notification in Notification.objects.select_related("recipient").iterator():
        notification.email = Email.objects.create(
            to=notification.recipient.email,
            recipient=notification.recipient,
            subject=notification.subject,
            body=notification.body,
            dedupe_key=(
                f"review-event:{notification.event_id}:{notification.recipient_id}:"
                f"{notification.kind}"
            ),
            status="sent" if notification.sent_at else "queued",
            sent_at=notification.sent_at,
            next_attempt_at=notification.created_at,
        )
        notification.save(update_fields=["email"])
        # auto_now_add wrote the migration's time; keep when it was really written.
        Email.objects.filter(pk=notification.email_id).update(created_at=notification.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("review", "0003_backfill_submitted_and_withdrawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notification",
                to="outbox.email",
            ),
        ),
        migrations.RunPython(copy_into_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="notification", name="body"),
        migrations.RemoveField(model_name="notification", name="created_at"),
        migrations.RemoveField(model_name="notification", name="sent_at"),
        migrations.RemoveField(model_name="notification", name="subject"),
        migrations.AlterField(
            model_name="notification",
            name="email",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notification",
                to="outbox.email",
            ),
        ),
    ]
