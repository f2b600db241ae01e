"""The publication log in the admin, and the admin pages whose saves change what surrounds
every public page.

The admins of disclaimers, reader roles, users and contributor profiles belong to the apps below
this one; publishing extends them (as review.admin extends the reference admin), so a save made
there is a named act of publishing, in the same transaction, and no signal is needed.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from accounts.admin import UserAdmin
from accounts.models import ContributorProfile, User
from articles.admin import DisclaimerAdmin
from articles.models import Disclaimer, Edition
from articles.paging import IdsFirstPaginator
from contributors.admin import ContributorProfileAdmin
from personalization.admin import ReaderRoleAdmin
from personalization.models import ReaderRole

from .delivery import retry_failed
from .models import Delivery, EditionCheck, PublicationEntry
from .services import change_surroundings

Status = Delivery.Status


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("surface", "status", "attempts", "progress", "next_attempt_at", "applied_at",
              "last_error")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="progress")
    def progress(self, delivery: Delivery) -> str:
        return _progress(delivery)


def _progress(delivery: Delivery) -> str:
    if delivery.total:
        return f"{delivery.done:,} of {delivery.total:,} articles"
    return "—"


@admin.register(PublicationEntry)
class PublicationEntryAdmin(admin.ModelAdmin):
    """Every act that changed what readers see, newest first, with where it has reached."""

    list_display = ("id", "kind", "subject", "actor", "created_at", "surfaces")
    list_filter = ("kind",)
    search_fields = ("article__slug", "note")
    list_select_related = ("article", "actor")
    inlines = (DeliveryInline,)
    readonly_fields = ("kind", "article", "edition", "part", "actor", "note", "created_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                waiting=Count("deliveries", filter=~Q(deliveries__status=Status.APPLIED)),
                failed=Count("deliveries", filter=Q(deliveries__status=Status.FAILED)),
            )
        )

    @admin.display(description="what")
    def subject(self, entry: PublicationEntry) -> str:
        return entry.article.slug if entry.article_id else f"surroundings: {entry.part}"

    @admin.display(description="surfaces")
    def surfaces(self, entry: PublicationEntry) -> str:
        if entry.failed:
            return format_html('<strong class="errornote">{} failed</strong>', entry.failed)
        return f"{entry.waiting} waiting" if entry.waiting else "applied everywhere"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Each entry at each surface: what is waiting, what failed and why; retry what failed."""

    list_display = ("entry", "surface", "status", "attempts", "progress", "next_attempt_at",
                    "error")  # fmt: skip
    list_filter = ("status", "surface")
    list_select_related = ("entry__article",)
    actions = ("retry_now",)
    readonly_fields = ("entry", "surface", "status", "attempts", "done", "total", "resume_after",
                       "next_attempt_at", "leased_until", "applied_at", "last_error")  # fmt: skip

    @admin.display(description="progress")
    def progress(self, delivery: Delivery) -> str:
        return _progress(delivery)

    @admin.display(description="last error")
    def error(self, delivery: Delivery) -> str:
        return Truncator(delivery.last_error).chars(80) or "—"

    @admin.action(description="Retry now")
    def retry_now(self, request, queryset) -> None:
        count = retry_failed(queryset)
        self.message_user(request, f"{count} failed deliveries queued again.", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """The edition record, read-only: what readers were shown, everyone who signed it off with
    their answers to the board's checklist, and when `verify_editions` last checked it."""

    list_display = ("__str__", "article_slug", "number", "kind", "published_at", "signed_off_by",
                    "last_verified", "verified")  # fmt: skip
    list_filter = ("kind", "last_check__passed")
    list_select_related = ("article", "last_check")
    search_fields = ("article__slug",)
    show_full_result_count = False
    paginator = IdsFirstPaginator
    fields = ("article", "kind", "number", "revision", "translates", "published_at",
              "change_note", "title", "summary", "sign_offs", "next_review_due", "content_sha256",
              "revision_sha256", "seal_key_id", "stored_sha256", "last_verified", "verified",
              "findings")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("renditions", "search_text", "seals")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="signed off by")
    def signed_off_by(self, edition: Edition) -> str:
        names = [signed["name"] for signed in edition.approvers] or [edition.approver_name]
        return "; ".join(name for name in names if name) or "—"

    @admin.display(description="sign-offs and checklists")
    def sign_offs(self, edition: Edition) -> str:
        if not edition.approvers:
            return edition.approver_name or "—"
        return format_html_join(
            "",
            "<p><strong>{}</strong> {} · {}</p><ul>{}</ul>",
            (
                (
                    signed["name"],
                    signed["credentials"],
                    signed.get("signed_at") or "",
                    format_html_join(
                        "",
                        "<li>{}: {}</li>",
                        (
                            (answer["question"], _answered(answer))
                            for answer in signed.get("checklist", [])
                        ),
                    ),
                )
                for signed in edition.approvers
            ),
        )

    @admin.display(description="article", ordering="article__slug")
    def article_slug(self, edition: Edition) -> str:
        return edition.article.slug

    @admin.display(description="last verified", ordering="last_check__checked_at")
    def last_verified(self, edition: Edition):
        check = _check(edition)
        return check.checked_at if check else "Never"

    @admin.display(description="verified")
    def verified(self, edition: Edition) -> str:
        check = _check(edition)
        if check is None:
            return "Not yet"
        return "Passed" if check.passed else "Failed"

    @admin.display(description="what differs")
    def findings(self, edition: Edition) -> str:
        check = _check(edition)
        return "; ".join(check.findings) if check and check.findings else "—"


def _check(edition: Edition) -> EditionCheck | None:
    try:
        return edition.last_check
    except EditionCheck.DoesNotExist:
        return None


class ChangesSurroundings:
    """A save or deletion here changes what surrounds public pages: republish them."""

    def surroundings_part(self, obj, changed: list[str]) -> str | None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        part = self.surroundings_part(obj, form.changed_data if change else ["*"])
        if part:
            change_surroundings(part, by=request.user, note=f"{obj._meta.verbose_name}: {obj}")

    def delete_model(self, request, obj) -> None:
        part = self.surroundings_part(obj, ["*"])
        super().delete_model(request, obj)
        if part:
            change_surroundings(part, by=request.user, note=f"deleted {obj}")

    def delete_queryset(self, request, queryset) -> None:
        parts = {self.surroundings_part(obj, ["*"]) for obj in queryset}
        super().delete_queryset(request, queryset)
        for part in parts - {None}:
            change_surroundings(part, by=request.user, note="deleted several")


def _reregister(model):
    admin.site.unregister(model)

    def register(cls):
        admin.site.register(model, cls)
        return cls

    return register


@_reregister(Disclaimer)
class PublishedDisclaimerAdmin(ChangesSurroundings, DisclaimerAdmin):
    def surroundings_part(self, obj: Disclaimer, changed: list[str]) -> str | None:
        return obj.audience  # Surroundings has a version per audience


@_reregister(ReaderRole)
class PublishedReaderRoleAdmin(ChangesSurroundings, ReaderRoleAdmin):
    def surroundings_part(self, obj: ReaderRole, changed: list[str]) -> str | None:
        return "roles"


@_reregister(User)
class PublishedUserAdmin(ChangesSurroundings, UserAdmin):
    SHOWN = {"*", "first_name", "last_name", "display_name", "credentials", "username"}

    def surroundings_part(self, obj: User, changed: list[str]) -> str | None:
        return "people" if self.SHOWN & set(changed) else None


@_reregister(ContributorProfile)
class PublishedContributorProfileAdmin(ChangesSurroundings, ContributorProfileAdmin):
    SHOWN = {"*", "slug", "is_public", "user"}

    def surroundings_part(self, obj: ContributorProfile, changed: list[str]) -> str | None:
        return "people" if self.SHOWN & set(changed) else None


def _answered(answer: dict) -> str:
    if answer["answer"] == "confirmed":
        return "confirmed"
    return f"not applicable ({answer['reason']})"
