from django.contrib import admin, messages

from . import services
from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # the outbox grows with every notice sent
    """The outbox: what was sent, what waits for its next attempt, and what failed and why."""

    list_display = ("created_at", "to", "subject", "status", "attempts", "next_attempt_at",
                    "sent_at", "short_error")  # fmt: skip
    list_filter = ("status", "created_at")
    search_fields = ("to", "subject", "dedupe_key")
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [field.name for field in Email._meta.fields]

    @admin.display(description="last error")
    def short_error(self, email: Email) -> str:
        return email.last_error[:80]

    @admin.action(description="Retry the selected failed e-mails now", permissions=["change"])
    def retry_now(self, request, queryset):
        count = services.retry_failed(emails=queryset, by=request.user)
        level = messages.SUCCESS if count else messages.WARNING
        self.message_user(request, f"{count} failed e-mail(s) queued to be sent again.", level)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
