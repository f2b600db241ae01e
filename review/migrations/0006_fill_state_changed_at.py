"""When each article entered its state, from its review events (the article's creation when it
has never moved)."""

from django.db import migrations
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ReviewEvent = apps.get_model("review", "ReviewEvent")
    last_move = (
        ReviewEvent.objects.filter(article=OuterRef("pk"))
        .exclude(from_state=F("to_state"))
        .order_by()
        .values("article")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    Article.objects.update(state_changed_at=Coalesce(Subquery(last_move), F("created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_state_changed_at"),
        ("review", "0005_editions_for_existing_articles"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
