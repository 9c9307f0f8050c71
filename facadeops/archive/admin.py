from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ArchiveEntry, RecordType


@admin.register(RecordType)
class RecordTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "retention_years", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []


@admin.register(ArchiveEntry)
class ArchiveEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the archive services and never changed."""

    list_display = ["number", "title", "record_type", "customer", "record_date", "disposed_at"]
    list_filter = ["record_type"]
    search_fields = ["number", "title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
