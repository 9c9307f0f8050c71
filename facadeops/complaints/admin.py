"""Back office of the complaints chapter: the severities and root-cause categories are data
the company edits; complaints are shown read-only (they change only through the pages and
the workflow engine, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CauseCategory, Complaint, Severity


@admin.register(Severity)
class SeverityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "rank", "urgency", "active")
    list_filter = ("urgency", "active")
    search_fields = ("code", "name", "name_en")


@admin.register(CauseCategory)
class CauseCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "name_en")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("number", "subject", "customer", "project", "severity", "status", "round_no")
    list_filter = ("status", "category", "channel")
    search_fields = ("number", "subject", "contact_name")
    list_select_related = ("customer", "project", "severity")
    exclude = ("work_orders",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
