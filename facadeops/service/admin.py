"""Admin: the editable catalogues (DOM-3 defects, the DOM-4 working calendar) and a
read-only view of requests and work orders (they change only through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import CalendarDay, DefectType, ServiceRequest, WorkOrder


@admin.register(DefectType)
class DefectTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "default_severity", "is_active")
    list_filter = ("default_severity", "is_active")
    search_fields = ("code", "name", "name_en")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name", "source")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "channel", "status", "customer", "reported_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("number", "caller_name", "caller_phone", "description")
    list_select_related = ("customer",)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "urgency", "project", "on_site_due_at")
    list_filter = ("status", "urgency", "nature")
    search_fields = ("number", "title")
    list_select_related = ("project",)
