from django.contrib import admin

from techmarket.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "uscc", "region_code", "status", "created_at"]
    list_filter = ["type", "status"]
    search_fields = ["name", "uscc"]
    # Verification is the bureau's workflow, with its audit trail: not an admin edit.
    readonly_fields = ["uscc", "status", "status_reason", "verified_at"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "email", "is_active", "last_login", "locked_until"]
    search_fields = ["username", "full_name", "email"]
    list_filter = ["is_active"]
    fields = ["username", "full_name", "email", "phone", "is_active", "last_login", "date_joined"]
    readonly_fields = ["username", "last_login", "date_joined"]
