from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Public profile", {"fields": ("display_name", "credentials", "preferred_reader_role")}),
    )
    list_display = ("username", "display_name", "credentials", "email", "is_active", "is_staff")
