from django.contrib import admin
from reversion.admin import VersionAdmin

from config.recover import OneObjectAtATime

from .models import GlossaryTerm, ReaderRole


@admin.register(ReaderRole)
class ReaderRoleAdmin(OneObjectAtATime, VersionAdmin):
    list_display = ("label", "slug", "audience", "target_grade", "fallback", "order")
    list_select_related = ("fallback",)
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("label",)}
    # Spanish pages show the English label or description where the Spanish one is blank.
    fieldsets = (
        (None, {"fields": ("label", "slug", "description", "audience", "target_grade", "order",
                           "fallback")}),
        ("Spanish", {"fields": ("label_es", "description_es")}),
    )  # fmt: skip


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(OneObjectAtATime, VersionAdmin):
    list_display = ("term", "aliases", "explanation", "term_es")
    search_fields = ("term", "aliases", "explanation", "term_es", "aliases_es", "explanation_es")
    # An entry with no Spanish term and explanation explains nothing in Spanish texts.
    fieldsets = (
        (None, {"fields": ("term", "aliases", "explanation")}),
        ("Spanish", {"fields": ("term_es", "aliases_es", "explanation_es")}),
    )
