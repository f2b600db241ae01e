from django.contrib import admin
from reversion.admin import VersionAdmin

from .models import GlossaryTerm, ReaderRole


@admin.register(ReaderRole)
class ReaderRoleAdmin(VersionAdmin):
    list_display = ("label", "slug", "audience", "target_grade", "fallback", "order")
    list_select_related = ("fallback",)
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("label",)}


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(VersionAdmin):
    list_display = ("term", "aliases", "explanation")
    search_fields = ("term", "aliases", "explanation")
