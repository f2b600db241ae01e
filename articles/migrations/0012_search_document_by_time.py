"""PostgreSQL: the GIN index of the search documents also holds their publication time (the
btree_gin extension, trusted: a database owner may create it), so "the matches among the newest
N entries" is answered inside the index, visiting only those matches' rows (see
articles.search._PostgreSQLMatches). SQLite is unchanged."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP INDEX articles_searchentry_document",
    "CREATE INDEX articles_searchentry_document"
    " ON articles_searchentry USING gin (document, published_at)",
]
BACKWARD = [
    "DROP INDEX articles_searchentry_document",
    "CREATE INDEX articles_searchentry_document ON articles_searchentry USING gin (document)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_drop_entries_of_withdrawn")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
