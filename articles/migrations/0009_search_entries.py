"""The search index (articles/search.py): on PostgreSQL the table behind SearchEntry (a weighted
tsvector per public article, GIN-indexed); on SQLite an FTS5 table (rowid = article id). Then every
article readers can open is indexed from its public edition."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = [
    # No foreign key: Django's flush (between transactional tests) truncates articles_article
    # without knowing this table. An article with editions is never deleted (PROTECT), and every
    # read of an entry joins its article.
    """CREATE TABLE articles_searchentry (
        article_id bigint PRIMARY KEY,
        published_at timestamp with time zone NOT NULL,
        title_document tsvector NOT NULL,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX articles_searchentry_document ON articles_searchentry USING gin (document)",
    "CREATE INDEX articles_searchentry_title ON articles_searchentry USING gin (title_document)",
    "CREATE INDEX articles_searchentry_newest"
    " ON articles_searchentry (published_at DESC, article_id DESC)",
]
SQLITE = [
    # porter: "treatments" finds "treatment", as PostgreSQL's english configuration does.
    """CREATE VIRTUAL TABLE articles_search_fts USING fts5(
        title, summary, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
]
DROP = {
    "postgresql": ["DROP TABLE articles_searchentry"],
    "sqlite": ["DROP TABLE articles_search_fts"],
}


def create_index(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statements is None:
        return  # no full-text search on this database; articles.search says so when asked
    for statement in statements:
        schema_editor.execute(statement)
    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.filter(public_edition__isnull=False).values_list("pk", flat=True))
    if ids:
        from articles.search import index_articles

        index_articles(ids, using=schema_editor.connection.alias)


def drop_index(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_reference_flags'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to='articles.article')),
                ('published_at', models.DateTimeField()),
                ('title_document', django.contrib.postgres.search.SearchVectorField()),
                ('document', django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                'db_table': 'articles_searchentry',
                'managed': False,
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
