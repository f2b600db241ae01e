"""Admin for references, topics and disclaimers: every save is a revision (history, revert,
recover deleted). Articles are registered in review/admin.py, where edits go through review."""

from django.contrib import admin
from reversion.admin import VersionAdmin

from .models import Disclaimer, Reference, Topic


@admin.register(Reference)
class ReferenceAdmin(VersionAdmin):
    list_display = ("key", "kind", "title", "source", "year")
    list_filter = ("kind",)
    search_fields = ("key", "title", "doi", "pmid")
    list_per_page = 50
    show_full_result_count = False


@admin.register(Topic)
class TopicAdmin(VersionAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Disclaimer)
class DisclaimerAdmin(VersionAdmin):
    list_display = ("title", "audience", "updated_at")
