"""Articles in the admin: history, compare, revert and recover, with every save going through
the review services, so an admin edit cannot skip review or change text under a reviewer."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from accounts.models import User
from articles.admin import ReferenceAdmin
from articles.models import Article, Citation, Reference
from articles.paging import IdsFirstPaginator, uncounted_page
from articles.selectors import latest_revision_id
from articles.services import normalize_markdown, save_article, validate_body
from config.deletion import RefusedQuickly
from config.recover import OneObjectAtATime
from personalization.selectors import revision_variant_source, working_variant_source

from . import services
from .diffs import article_diff, compare_revisions
from .models import (
    Notification,
    ReviewEvent,
    ScheduledGoLive,
    ScheduledReReview,
    SignOff,
    SignOffPolicy,
    SpecialistInvitation,
)
from .workflow import EDIT_ANY, GROUPS, MOVES, groups_of, refusal

# What the edit move changes: saving any of these goes through review (and reopens approved
# text as a draft); the other fields of the form do not.
TEXT_FIELDS = ("title", "summary", "body", "literature_current_through")


class ArticleAdminForm(forms.ModelForm):
    co_authors = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True, groups__name__in=GROUPS)
        .distinct()
        .order_by("username"),
        required=False,
        label="Co-authors",
        widget=FilteredSelectMultiple("co-authors", is_stacked=False),
        help_text=(
            "Besides the author: they may edit and submit it, are credited from the next "
            "edition, and may not approve it."
        ),
    )

    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "topics", "literature_current_through",
            "review_interval_months",
        ]  # fmt: skip
        labels = {"review_interval_months": "Review interval (months)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            if "co_authors" not in self.initial:  # the admin's form has them already
                self.fields["co_authors"].initial = list(self.instance.co_authors.all())
            # Its author is not offered: a co-author is someone else.
            people = self.fields["co_authors"].queryset.exclude(pk=self.instance.author_id)
            self.fields["co_authors"].queryset = people

    def clean_body(self):
        body = self.cleaned_data["body"]
        validate_body(body)
        return body

    user = None  # set by ArticleAdmin.get_form

    text_changed = True  # until clean() compares: a new article is all text

    def _compare_text(self, cleaned: dict) -> bool:
        """Whether the text differs from the saved one: the body as it would be stored (a
        browser sends CRLF, the field strips the final newline), the other fields as they are.
        Read before the form writes its values onto the instance."""
        for name in TEXT_FIELDS:
            new, old = cleaned.get(name), getattr(self.instance, name)
            if name == "body":
                new, old = normalize_markdown(new or ""), normalize_markdown(old)
            if new != old:
                return True
        return False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.text_changed = self._compare_text(cleaned)
        if self.instance.pk and self.text_changed:
            refused = refusal(MOVES["edit"], article=self.instance, user=self.user)
            if refused:
                raise ValidationError(refused.message)
        author_id = self.instance.author_id or (self.user.pk if self.user else None)
        if author_id in {user.pk for user in cleaned.get("co_authors") or ()}:
            self.add_error("co_authors", "The article's author is not also its co-author.")
        if {"co_authors", "review_interval_months"} & set(self.changed_data) and not (
            groups_of(self.user) & EDIT_ANY
        ):
            raise ValidationError("Only editors and admins change co-authors or the interval.")
        return cleaned


class CitationInline(admin.TabularInline):
    model = Citation
    fields = ("position", "reference")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False  # citations follow the body's [@key] markers

    def get_queryset(self, request):
        # Each row shows its reference (Citation.__str__): one query for all of them.
        return super().get_queryset(request).select_related("reference")


HISTORY_PER_PAGE = 50


@admin.register(Article)
class ArticleAdmin(RefusedQuickly, OneObjectAtATime, VersionAdmin):
    form = ArticleAdminForm
    inlines = [CitationInline]
    list_display = ("title", "state", "author", "updated_at", "approved_at")
    list_filter = ("state", "topics")
    # Titles and addresses only: searching bodies reads every article's whole text.
    search_fields = ("title", "slug")
    list_select_related = ("author",)
    list_per_page = 50
    show_full_result_count = False  # a filtered list would count the whole table again
    paginator = IdsFirstPaginator
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("state", "author", "approved_by", "approved_at", "approved_sha256")
    history_latest_first = True

    object_history_template = "review/admin_history.html"

    def lookup_allowed(self, lookup, value, request=None):
        # The articles citing one reference, linked from the reference's page.
        return lookup == "citations__reference__id__exact" or super().lookup_allowed(
            lookup, value, request
        )

    def get_queryset(self, request):
        # The list shows no text: leave the bodies (and summaries) in the table.
        queryset = super().get_queryset(request)
        match = request.resolver_match
        listing = match is not None and match.url_name == "articles_article_changelist"
        if listing:
            return queryset.defer("body", "summary")
        return queryset.select_related("author", "approved_by")  # the form shows both names

    def history_view(self, request, object_id, extra_context=None):
        """django-reversion's history, a page of versions at a time (an article may have 1,000),
        newest first, without reading their stored texts."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        versions = (
            Version.objects.get_for_object_reference(self.model, unquote(object_id))
            .select_related("revision", "revision__user")
            .defer("serialized_data")
            .order_by("-pk")
        )
        page = uncounted_page(versions, request.GET.get("page", 1), HISTORY_PER_PAGE)
        name = f"{self.admin_site.name}:articles_article_revision"
        context = {
            "action_list": [
                {"revision": v.revision, "url": reverse(name, args=(quote(v.object_id), v.pk))}
                for v in page.object_list
            ],
            "history_page": page,
            **(extra_context or {}),
        }
        return admin.ModelAdmin.history_view(self, request, object_id, context)

    def get_urls(self):
        from django.urls import path

        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<int:object_id>/compare/", compare, name="articles_article_compare"),
            *super().get_urls(),
        ]

    def compare_view(self, request, object_id):
        """The same word-level diff as the review area, between any two saved versions."""
        article = self.get_object(request, str(object_id))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        old_id, new_id = request.GET.get("from"), request.GET.get("to")
        diff = compare_revisions(article, old_id, new_id)
        if diff is None:
            messages.error(request, "Choose two versions of this article to compare.")
            return redirect("admin:articles_article_history", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "old_id": old_id,
            "new_id": new_id,
            "diff": diff,
            "title": f"Revision {old_id} → revision {new_id}",
        }
        return TemplateResponse(request, "review/admin_compare.html", context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """Reverting an article is an edit like any other: it goes through review.

        django-reversion's own revert rewrites rows directly, which would move text under a
        reviewer, drop the approved text, or delete references other articles cite.
        """
        article = self.get_object(request, version.object_id)
        history = f"admin:{article._meta.app_label}_article_history"
        if request.method == "POST":
            try:
                services.restore_revision(
                    article=article,
                    revision_id=version.revision_id,
                    by=request.user,
                    seen_revision_id=latest_revision_id(article),
                )
            except services.WorkflowError as exc:
                messages.error(request, exc.message)
                return redirect(history, article.pk)
            messages.success(
                request, f"Restored the text of revision {version.revision_id} as a new version."
            )
            return redirect(f"admin:{article._meta.app_label}_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "version": version,
            "diff": article_diff(
                working_variant_source(article),
                revision_variant_source(article, version.revision_id),
            ),
            "title": f"Restore revision {version.revision_id}",
        }
        return TemplateResponse(request, "review/admin_restore.html", context)

    def get_readonly_fields(self, request, obj=None):
        # An article's address is fixed once it exists: readers, feeds and baked pages use it,
        # and the edit move does not move it.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "slug") if obj is not None else readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else super().get_prepopulated_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
            save_article(article=obj, by=request.user, comment="Created in the admin")
        elif form.text_changed:
            try:
                services.edit_article(
                    article=obj,
                    by=request.user,
                    seen_revision_id=latest_revision_id(obj),
                    title=obj.title,
                    summary=obj.summary,
                    body=obj.body,
                    literature_current_through=obj.literature_current_through,
                    comment="Edited in the admin",
                )
            except services.WorkflowError as exc:
                raise ValidationError(exc.message) from exc
        if {"co_authors", "review_interval_months"} & set(form.changed_data):
            # Neither is text: set through their own service, which the timeline records.
            services.set_co_authors_and_review_interval(
                article=obj, by=request.user, co_authors=form.cleaned_data["co_authors"],
                review_interval_months=form.cleaned_data["review_interval_months"],
            )  # fmt: skip


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "article", "actor", "action", "from_state", "to_state")
    list_filter = ("action",)
    search_fields = ("article__title", "article__slug")
    list_select_related = ("article", "actor")
    list_per_page = 50
    show_full_result_count = False
    paginator = IdsFirstPaginator
    ordering = ("-created_at", "-id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Which e-mails each review event caused; sending, retries and errors are in the outbox."""

    list_display = ("event", "kind", "recipient", "email_status")
    list_filter = ("kind", "email__status")
    list_select_related = ("event__article", "event__actor", "recipient", "email")
    readonly_fields = ("event", "kind", "recipient", "email")
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description="e-mail", ordering="email__status")
    def email_status(self, notification: Notification) -> str:
        return notification.email.get_status_display()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# A flag raised on a reference sends every citing article back to the board: the references'
# admin (articles/admin.py) gains that here, where the review services may be called.
admin.site.unregister(Reference)


@admin.register(Reference)
class FlaggingReferenceAdmin(ReferenceAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # in the admin's transaction, as these
        if "flag" not in form.changed_data:
            return
        if obj.flag:
            count = services.flag_reference(reference=obj, by=request.user)
            self.message_user(request, f"{count} citing article(s) are now due for review.")
        elif change:
            count = services.clear_reference_flag(reference=obj, by=request.user)
            self.message_user(
                request,
                f"The flag is removed; readers no longer see it. {count} citing article(s) left "
                "the Review due queue.",
            )


@admin.register(SignOffPolicy)
class SignOffPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "approvals_required", "specialty_required", "plain_language_required",
        "outside_advice_required", "review_days", "correction_withdraws_translations",
    )  # fmt: skip
    list_select_related = ("topic",)
    autocomplete_fields = ("topic",)


@admin.register(SignOff)
class SignOffAdmin(admin.ModelAdmin):
    """Every sign-off, read-only: who signed which revision off, as they were, and their
    checklist (review.checklist)."""

    list_display = ("signed_at", "article", "revision", "reviewer_name", "credentials")
    search_fields = ("article__slug", "reviewer_name")
    list_select_related = ("article",)
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only their services write (review.specialists, review.golive, review.schedule)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SpecialistInvitation)
class SpecialistInvitationAdmin(ReadOnlyAdmin):
    list_display = ["name", "credentials", "article", "revision_id", "created_at", "expires_at",
                    "revoked_at", "recommendation", "advised_at"]  # fmt: skip
    list_select_related = ["article"]
    exclude = ["secret_sha256"]
    search_fields = ["name", "email", "article__slug"]


@admin.register(ScheduledGoLive)
class ScheduledGoLiveAdmin(ReadOnlyAdmin):
    list_display = ["article", "revision_id", "go_live_on", "approved_by", "published_at",
                    "cancelled_at", "cancel_reason"]  # fmt: skip
    list_select_related = ["article", "approved_by"]


@admin.register(ScheduledReReview)
class ScheduledReReviewAdmin(ReadOnlyAdmin):
    list_display = ["article", "due_on", "reason", "scheduled_by", "started_at", "cancelled_at"]
    list_select_related = ["article", "scheduled_by"]
