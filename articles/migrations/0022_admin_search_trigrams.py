"""PostgreSQL: the admin's search of articles (Django's `icontains`: UPPER(title) LIKE '%…%')
answered from trigram indexes (the pg_trgm extension, trusted: a database owner may create it)
instead of a scan of every row, twice (the count and the page). SQLite is unchanged."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX articles_article_title_trgm"
    " ON articles_article USING gin (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX articles_article_slug_trgm"
    " ON articles_article USING gin (UPPER(slug::text) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX articles_article_title_trgm",
    "DROP INDEX articles_article_slug_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_seal_existing_editions")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
