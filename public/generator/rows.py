"""Rows as plain tuples, written with COPY (PostgreSQL) or executemany (SQLite).

bulk_create costs about 0.1 ms a row in model instances and SQL compiling; the generator writes
some twenty rows an article, so for 100 000 articles it writes tuples instead. Values still go
through each field's `get_db_prep_save`, so dates and JSON are stored as the ORM stores them.
No save() runs and no signal is sent: nothing here is a model's business rule.
"""

import json
from collections.abc import Iterator, Sequence
from types import SimpleNamespace

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Max
from django.utils.encoding import is_protected_type
from reversion.revisions import _get_options

PREPARED = (models.DateField, models.JSONField, models.DecimalField)  # DateTimeField included


class Table:
    """One table's insert: the columns given, in order, for rows given as tuples."""

    def __init__(self, model: type[models.Model], *attnames: str) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.table = model._meta.db_table
        self.columns = [fields[name].column for name in attnames]
        self.prepare = [
            fields[name] if isinstance(fields[name], PREPARED) else None for name in attnames
        ]

    def insert(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        prepared = [
            tuple(v if f is None else f.get_db_prep_save(v, connection)
                  for f, v in zip(self.prepare, row, strict=True))
            for row in rows
        ]  # fmt: skip
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})", prepared
                )


def reserve(model: type[models.Model], count: int) -> Iterator[int]:
    """`count` primary keys nobody else will be given, so rows can point at each other before
    they are inserted (foreign keys are checked at the commit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return iter([row[0] for row in cursor.fetchall()])
    # SQLite: one writer at a time; the batch's transaction holds the lock from its first write.
    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    return iter(range(start, start + count))


class VersionData:
    """What django-reversion stores for one object: `serializers.serialize("json", [obj],
    fields=<its registered fields>)`, following the Python serializer's rules without its
    per-call setup or its query for many-to-many values (given here). The object may be any
    namespace with the model's attnames. tests/public/test_generate_articles.py compares the
    result with the serializer's."""

    def __init__(self, model: type[models.Model]) -> None:
        selected = _get_options(model).fields
        meta = model._meta.concrete_model._meta
        self.label = str(model._meta)
        self.fields = [
            f for f in meta.local_fields
            if f.serialize and (f.attname[:-3] if f.remote_field else f.attname) in selected
        ]  # fmt: skip
        self.m2m = [f.name for f in meta.local_many_to_many if f.serialize and f.name in selected]

    def __call__(self, pk: int, attrs: dict, m2m: dict[str, list[int]] | None = None) -> str:
        obj = SimpleNamespace(**attrs)
        values = {}
        for f in self.fields:
            value = f.value_from_object(obj)
            values[f.name] = value if is_protected_type(value) else f.value_to_string(obj)
        for name in self.m2m:
            values[name] = (m2m or {}).get(name, [])
        data = {"model": self.label, "pk": pk, "fields": values}
        return "[" + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False) + "]\n"
