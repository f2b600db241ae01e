"""The admin's delete confirmation in a few queries, whatever the number of relations.

Django's confirmation collects what would go with the object: one query for each relation
pointing at its model (29 for a user, 31 for an article), most of them empty. Here one query
first asks of every relation whether it holds any row (EXISTS tests side by side):

- a row the admin may not delete (its model's admin refuses deletion: editions, review events)
  or a PROTECT relation refuses the deletion at once, as Django's page would, naming what holds
  it (an article with editions, a person who signed one off): the protecting records first,
  where Django's page would name only the kinds of row the admin may not delete;
- otherwise Django's collection runs, skipping the relations found empty: the page lists the
  same rows as before, reading only the relations that have some.
"""

from django.contrib.admin.options import EMPTY_VALUE_STRING
from django.contrib.admin.utils import NestedObjects, display_for_value, quote
from django.db import models, router
from django.db.models import Exists
from django.db.models.deletion import DO_NOTHING, get_candidate_relations_to_delete
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst


class RefusedQuickly:
    """A ModelAdmin mixin: its delete page reads first which relations hold rows."""

    def get_deleted_objects(self, objs, request):
        if len(objs) != 1:
            return super().get_deleted_objects(objs, request)
        obj = objs[0]
        relations = [r for r in get_candidate_relations_to_delete(obj._meta)
                     if r.on_delete is not DO_NOTHING]  # fmt: skip
        found = _holding_rows(obj, relations)
        held = [relation for relation in relations if found[relation]]
        refusal = _refusal(held, request, self.admin_site)
        if refusal is not None:
            perms_needed, protected = refusal
            return [str(obj)], {}, perms_needed, protected
        empty = {relation.field for relation in relations if not found[relation]}
        return _collected(obj, empty, request, self.admin_site)


def _holding_rows(obj: models.Model, relations) -> dict:
    """For each relation, whether any row points at the object: one query. Each test names the
    object's key itself, not the outer row's: PostgreSQL then plans it for this key (an index
    read), where a correlated test is planned for a typical key and may scan the table."""
    tests = {
        f"held_{n}": Exists(
            relation.related_model._base_manager.filter(
                **{relation.field.name: getattr(obj, relation.field.target_field.attname)}
            )
        )
        for n, relation in enumerate(relations)
    }
    row = type(obj)._base_manager.filter(pk=obj.pk).annotate(**tests).values(*tests).first() or {}
    return {relation: row.get(f"held_{n}", False) for n, relation in enumerate(relations)}


def _refusal(held, request, site) -> tuple[set[str], list[str]] | None:
    """(models the admin may not delete, kinds of protecting row), or None if nothing refuses."""
    perms_needed, protected = set(), []
    for relation in held:
        opts = relation.related_model._meta
        if relation.on_delete in (models.PROTECT, models.RESTRICT):
            protected.append(capfirst(opts.verbose_name_plural))
        elif relation.on_delete is models.CASCADE:
            model_admin = site._registry.get(relation.related_model)
            if model_admin is not None and not model_admin.has_delete_permission(request):
                perms_needed.add(opts.verbose_name)  # as Django names them
    if protected:  # the stronger reason: the page names the records (Django's names either)
        return set(), protected
    return (perms_needed, []) if perms_needed else None


class _SkippingEmpty(NestedObjects):
    """The admin's collector, reading no relation of the object that was found empty."""

    def __init__(self, *args, empty_fields: set, top: models.Model, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_fields, self.top = empty_fields, top

    def related_objects(self, related_model, related_fields, objs):
        if all(field in self.empty_fields for field in related_fields) and all(
            type(o) is type(self.top) and o.pk == self.top.pk for o in objs
        ):
            return related_model._base_manager.using(self.using).none()
        return super().related_objects(related_model, related_fields, objs)


def _collected(obj: models.Model, empty_fields: set, request, site):
    """What django.contrib.admin.utils.get_deleted_objects returns for [obj], from the
    collector above (the same steps and the same strings)."""
    collector = _SkippingEmpty(
        using=router.db_for_write(type(obj)), origin=[obj], empty_fields=empty_fields, top=obj
    )
    collector.collect([obj])
    perms_needed = set()

    def format_callback(found):
        opts = found._meta
        if not site.is_registered(type(found)):
            return f"{capfirst(opts.verbose_name)}: {found}"
        if not site.get_model_admin(type(found)).has_delete_permission(request, found):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change",
                          args=(quote(found.pk),))  # fmt: skip
        except NoReverseMatch:
            return f"{capfirst(opts.verbose_name)}: {found}"
        shown = display_for_value(str(found), EMPTY_VALUE_STRING)
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, shown)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(found) for found in collector.protected]
    model_count = {model._meta.verbose_name_plural: len(rows)
                   for model, rows in collector.model_objs.items()}  # fmt: skip
    return to_delete, model_count, perms_needed, protected
