"""django-reversion's admin views made to touch one object: its "Recover deleted …" list, found
through the admin's log of deletions, and its version and recover pages, which revert the object
alone.

Reversion looks for every saved version whose object no longer exists: a scan of all the
versions of the model (at 100 000 articles with their editions, half a second for an empty
list). Our versioned rows are deleted only in the admin, and the admin writes each deletion to
its log (LogEntry, DELETION), so the objects to recover are the logged ones still missing: one
short read of the log, then their newest versions.
"""

from contextlib import contextmanager

import reversion
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reversion.models import Version


class OneObjectAtATime:
    """For a VersionAdmin: the recover list reads the deletion log instead of every version, and
    a version is shown and restored on its own."""

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """django-reversion reverts the whole revision the version was saved in, to show it (in
        a transaction it rolls back) and to restore it. A reference import saves every
        reference of a file in one revision: restoring one reference would have put back every
        other reference of that file as it was imported, and shown it cost a query for each.
        The revision of this version reverts this object alone."""
        revision = version.revision  # the instance django-reversion's view reverts
        revision.revert = lambda delete=False: version.revert()
        request.vetted_showing_version = request.method == "GET"
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """django-reversion's, reading the version with its revision (one query)."""
        versions = Version.objects.select_related("revision")
        version = get_object_or_404(versions, pk=version_id, object_id=unquote(object_id))
        context = {"title": _("Revert %(name)s") % {"name": version.object_repr}, "revert": True}
        template = self.revision_form_template or self._reversion_get_template_list(
            "revision_form.html"
        )
        return self._reversion_revisionform_view(
            request, version, template, {**context, **(extra_context or {})}
        )

    @contextmanager
    def create_revision(self, request):
        """Showing a version saves nothing, inside a transaction that is rolled back: no
        savepoint of its own."""
        if not getattr(request, "vetted_showing_version", False):
            with super().create_revision(request):
                yield
            return
        with reversion.create_revision(atomic=False):
            reversion.set_user(request.user)
            yield

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Showing a version, the form is rendered inside the transaction django-reversion rolls
        back: a savepoint of its own would only be rolled back with it (three statements)."""
        if getattr(request, "vetted_showing_version", False):  # a GET, CSRF checked by the admin
            return self._changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        logged = set(
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model), action_flag=DELETION
            ).values_list("object_id", flat=True)
        )  # text, as the log and the versions keep ids
        keys = [self.model._meta.pk.to_python(object_id) for object_id in logged]
        back = self.model._default_manager.filter(pk__in=keys).values_list("pk", flat=True)
        gone = logged - {str(pk) for pk in back}  # deleted, and not recovered since
        newest = (
            Version.objects.get_for_model(self.model)
            .filter(object_id__in=gone)
            .values("object_id")
            .annotate(newest=Max("pk"))
            .values("newest")
        )
        deleted = self._reversion_order_version_queryset(
            request, Version.objects.filter(pk__in=newest).select_related("revision")
        )
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            "module_name": capfirst(opts.verbose_name),
            "title": _("Recover deleted %(name)s") % {"name": opts.verbose_name_plural},
            "deleted": deleted,
            **(extra_context or {}),
        }
        template = self.recover_list_template or self._reversion_get_template_list(
            "recover_list.html"
        )
        return render(request, template, context)
