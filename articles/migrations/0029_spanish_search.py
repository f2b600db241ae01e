"""Spanish search (articles/search.py): on PostgreSQL the `spanish_unaccent` text search
configuration (Spanish stemming and stop words, accents removed first by the unaccent
extension: "cancer" finds "cáncer") and a language on each entry; on SQLite an FTS5 table of
its own for Spanish, its words folded by case and diacritics. Then every translation readers can
open is indexed again, in its language."""

from django.db import migrations, models

POSTGRESQL = [
    # unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'spanish_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION spanish_unaccent (COPY = spanish);
            ALTER TEXT SEARCH CONFIGURATION spanish_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
        END IF;
    END $$""",
    "ALTER TABLE articles_searchentry ADD COLUMN language varchar(8) NOT NULL DEFAULT 'en'",
]
SQLITE = [
    # No porter: it stems English. Case and diacritics folded ("Quimioterapía" = "quimioterapia").
    """CREATE VIRTUAL TABLE articles_search_fts_es USING fts5(
        title, summary, body, tokenize = 'unicode61 remove_diacritics 2'
    )""",
]
DROP = {
    "postgresql": [
        "ALTER TABLE articles_searchentry DROP COLUMN language",
        "DROP TEXT SEARCH CONFIGURATION IF EXISTS spanish_unaccent",
    ],
    "sqlite": ["DROP TABLE articles_search_fts_es"],
}


def spanish_search(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for statement in statements:
        schema_editor.execute(statement)
    Article = apps.get_model("articles", "Article")
    translated = Article.objects.filter(public_edition__isnull=False).exclude(language="en")
    ids = list(translated.values_list("pk", flat=True))
    if ids:
        from articles.search import index_articles

        index_articles(ids, using=schema_editor.connection.alias)


def no_spanish_search(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0028_article_next_review_due"),
    ]

    operations = [
        # SearchEntry is unmanaged: this records the field; the SQL above makes the column.
        migrations.AddField(
            model_name="searchentry",
            name="language",
            field=models.CharField(default="en", max_length=8),
        ),
        migrations.RunPython(spanish_search, no_spanish_search),
    ]
