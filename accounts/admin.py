from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from config.deletion import RefusedQuickly

from .forms import AdminSignInForm
from .models import User

# The admin's sign-in warns before the lock, as /accounts/login/ does.
admin.site.login_form = AdminSignInForm


@admin.register(User)
class UserAdmin(RefusedQuickly, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Public profile",
            {
                "fields": (
                    "display_name",
                    "credentials",
                    "preferred_reader_role",
                    "preferred_language",
                )
            },
        ),
    )
    list_display = ("username", "display_name", "credentials", "email", "is_active", "is_staff")
