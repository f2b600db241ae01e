"""Admins keep contributor pages and disclosures. The profile (an accounts model) is registered
here, with its disclosures inline: the one page where an admin maintains a contributor."""

from django import forms
from django.contrib import admin
from reversion.admin import VersionAdmin

from accounts.models import ContributorProfile
from config.recover import OneObjectAtATime

from .models import Disclosure


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ("declared_on", "none_to_declare", "statement", "conflict_topics")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("none_to_declare") and cleaned.get("conflict_topics"):
            raise forms.ValidationError("A disclosure with nothing to declare lists no conflicts.")
        if not cleaned.get("none_to_declare") and not cleaned.get("statement", "").strip():
            raise forms.ValidationError('Write the statement, or tick "none to declare".')
        return cleaned


class DisclosureInline(admin.StackedInline):
    model = Disclosure
    form = DisclosureForm
    extra = 0
    autocomplete_fields = ("conflict_topics",)
    ordering = ("-declared_on", "-id")


@admin.register(ContributorProfile)
class ContributorProfileAdmin(OneObjectAtATime, VersionAdmin):
    list_display = ("slug", "name", "board_role", "languages", "is_public")
    list_filter = ("is_public",)
    search_fields = ("slug", "user__username", "user__display_name", "board_role")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    inlines = (DisclosureInline,)

    @admin.display(description="name", ordering="user__display_name")
    def name(self, profile: ContributorProfile) -> str:
        return profile.user.public_name


@admin.register(Disclosure)
class DisclosureAdmin(OneObjectAtATime, VersionAdmin):
    """Every disclosure, to see whose renewal is due; edited on the contributor's page too."""

    form = DisclosureForm
    fields = ("contributor", *DisclosureForm.Meta.fields)
    list_display = ("contributor", "declared_on", "none_to_declare", "renewal_due_on")
    list_filter = ("none_to_declare", "declared_on")
    list_select_related = ("contributor__user",)
    search_fields = ("contributor__slug", "contributor__user__display_name")
    autocomplete_fields = ("contributor", "conflict_topics")
    date_hierarchy = "declared_on"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contributor__user")  # its name

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contributor":  # the chosen one is shown by its person's name
            kwargs["queryset"] = ContributorProfile.objects.select_related("user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="renewal due (if still in force)")
    def renewal_due_on(self, disclosure: Disclosure):
        return disclosure.renewal_due_on
