"""The question e-mails move to the outbox. A notice or answer still owed is written there (the
outbox sweep sends it); `notified_at` goes, and `reply_sent_at` becomes `reply_queued_at`."""

from django.db import migrations
from django.utils import timezone


def owed_mail_into_outbox(apps, schema_editor):
    from questions import emails
    from questions.workflow import EDITOR_GROUPS

    Question = apps.get_model("questions", "Question")
    User = apps.get_model("accounts", "User")
    Email = apps.get_model("outbox", "Email")
    editors = list(
        User.objects.filter(groups__name__in=EDITOR_GROUPS, is_active=True)
        .exclude(email="")
        .distinct()
    )
    for question in Question.objects.filter(notified_at__isnull=True).select_related("article"):
        for editor in editors:
            Email.objects.get_or_create(
                dedupe_key=f"question-notice:{question.pk}:{editor.pk}",
                defaults={
                    "to": editor.email,
                    "recipient": editor,
                    "subject": emails.editor_subject(question)[:255],
                    "body": emails.editor_body(question),
                },
            )
    owed = Question.objects.filter(status="answered", reply_sent_at__isnull=True).exclude(email="")
    for question in owed.select_related("article"):
        question.language = "en"  # asked before a question kept its language (0003)
        Email.objects.get_or_create(
            dedupe_key=f"question-answer:{question.pk}",
            defaults={
                "to": question.email,
                "subject": emails.reply_subject(question)[:255],
                "body": emails.reply_body(question),
                "forget_address_when_sent": True,
            },
        )
        question.email = question.name = ""
        question.reply_sent_at = timezone.now()  # renamed below: handed to the outbox
        question.save(update_fields=["email", "name", "reply_sent_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("outbox", "0001_initial"),
        ("questions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(owed_mail_into_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="question", name="notified_at"),
        migrations.RenameField(
            model_name="question", old_name="reply_sent_at", new_name="reply_queued_at"
        ),
    ]
