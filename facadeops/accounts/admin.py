"""Django admin for superusers. Day-to-day people work uses the People pages, which go
through the audited services; the admin is read-mostly for the audited records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Certificate, CertificateType, Department, Employee, Skill, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "department", "customer", "is_active")
    list_filter = ("is_active", "is_superuser", "groups", "department")
    search_fields = ("username", "full_name", "email", "phone")
    list_select_related = ("department", "customer")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            _("FacadeOps"),
            {"fields": ("full_name", "phone", "department", "customer", "preferred_language")},
        ),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "head", "parent", "is_active")
    search_fields = ("code", "name")


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_work_at_height", "validity_note", "is_active")
    list_filter = ("is_work_at_height", "is_active")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    readonly_fields = ("type", "number", "issued_by", "valid_from", "valid_to", "notes")
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    """Read-only: employees change through the People pages (audited, versioned)."""

    list_display = ("employee_no", "user", "department", "position", "status")
    list_filter = ("status", "department")
    search_fields = ("employee_no", "user__full_name", "user__username")
    list_select_related = ("user", "department")
    inlines = [CertificateInline]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    search_fields = ("name", "prefix", "user__username")
    exclude = ("digest",)
    list_select_related = ("user",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
