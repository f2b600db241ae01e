"""Admin for references, topics and disclaimers: every save is a revision (history, revert,
recover deleted). Articles are registered in review/admin.py, where edits go through review."""

from django.contrib import admin
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from config.recover import OneObjectAtATime

from .models import Article, Disclaimer, Reference, Topic, normalize_doi
from .paging import IdsFirstPaginator


class IdentifierFilter(admin.SimpleListFilter):
    title = "identifier"
    parameter_name = "identifier"

    def lookups(self, request, model_admin):
        return [("doi", "Has a DOI"), ("pmid", "Has a PMID"), ("none", "Neither")]

    def queryset(self, request, queryset):
        match self.value():
            case "doi":
                return queryset.exclude(doi="")
            case "pmid":
                return queryset.exclude(pmid="")
            case "none":
                return queryset.filter(Q(doi="") & Q(pmid=""))
        return queryset


@admin.register(Reference)
class ReferenceAdmin(OneObjectAtATime, VersionAdmin):
    list_display = ("key", "kind", "title", "source", "year", "flag")
    search_fields = ("key", "title", "doi", "pmid")
    list_per_page = 50
    show_full_result_count = False
    paginator = IdsFirstPaginator
    list_filter = ("kind", "year", "flag", IdentifierFilter)
    readonly_fields = ("cited_by",)

    def get_search_results(self, request, queryset, search_term):
        # A DOI pasted as its doi.org link finds the reference, which stores the bare DOI.
        if search_term.strip().lower().startswith(("https://doi.org/", "http://doi.org/", "doi:")):
            search_term = normalize_doi(search_term)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Cited by")
    def cited_by(self, reference: Reference) -> str:
        if reference.pk is None:
            return "—"
        citing = Article.objects.filter(citations__reference=reference)
        articles = list(citing.order_by("title").only("title", "state")[:CITED_BY_SHOWN])
        if not articles:
            return "No article cites it."
        listed = format_html_join(
            "", '<li><a href="{}">{}</a> ({})</li>',
            ((_admin_url(a), a.title, a.get_state_display()) for a in articles),
        )  # fmt: skip
        if len(articles) < CITED_BY_SHOWN:
            return format_html("<ul>{}</ul>", listed)
        return format_html(
            '<ul>{}</ul><p>{} articles cite it in all: <a href="{}?citations__reference__id__exact'
            '={}">list them</a>.</p>',
            listed, citing.count(), _admin_list_url(), reference.pk,
        )  # fmt: skip


# A reference cited by thousands of articles: its page names the first ones and links the rest.
CITED_BY_SHOWN = 50


def _admin_list_url() -> str:
    return reverse("admin:articles_article_changelist")


def _admin_url(article: Article) -> str:
    try:
        return reverse("admin:articles_article_change", args=[article.pk])
    except NoReverseMatch:  # articles are registered by review.admin; a site without it
        return article.get_absolute_url()


@admin.register(Topic)
class TopicAdmin(OneObjectAtATime, VersionAdmin):
    list_display = ("name", "name_es", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_es")


@admin.register(Disclaimer)
class DisclaimerAdmin(OneObjectAtATime, VersionAdmin):
    list_display = ("title", "title_es", "audience", "updated_at")
    # Spanish pages show the Spanish notice once both its title and body are written.
    fieldsets = (
        (None, {"fields": ("audience", "title", "body")}),
        ("Spanish", {"fields": ("title_es", "body_es")}),
    )
