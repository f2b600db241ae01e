"""Articles reviewed before these fields existed: the text last submitted is what readers of a
never-approved article may see, and a withdrawal stays in force until the next approval."""

from django.db import migrations


def backfill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ReviewEvent = apps.get_model("review", "ReviewEvent")
    for article in Article.objects.all().iterator():
        events = ReviewEvent.objects.filter(article_id=article.pk).order_by("-pk")
        submitted = events.filter(action="submit").first()
        fields = []
        if submitted is not None and submitted.revision_id:
            article.submitted_revision_id = submitted.revision_id
            fields.append("submitted_revision")
        if article.state == "withdrawn":
            withdrawal = events.filter(action="withdraw").first()
            if withdrawal is not None:
                article.withdrawn_at = withdrawal.created_at
                article.withdrawal_reason = withdrawal.comment
                fields += ["withdrawn_at", "withdrawal_reason"]
        if fields:
            article.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_review_fields_submitted_withdrawn_coauthors"),
        ("review", "0002_notification_kind"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
