"""Search entries are now those of the public articles only (a withdrawal removes its entry):
drop the entries that earlier withdrawals left behind."""

from django.db import migrations

DROP = {
    "postgresql": "DELETE FROM articles_searchentry WHERE article_id IN"
    " (SELECT id FROM articles_article WHERE withdrawn_at IS NOT NULL)",
    "sqlite": "DELETE FROM articles_search_fts WHERE rowid IN"
    " (SELECT id FROM articles_article WHERE withdrawn_at IS NOT NULL)",
}


def drop_withdrawn(apps, schema_editor):
    sql = DROP.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_awaiting_index")]

    operations = [migrations.RunPython(drop_withdrawn, migrations.RunPython.noop)]
