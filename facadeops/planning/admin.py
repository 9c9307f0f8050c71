"""Back office for the planning rule tables (DOM-1, DOM-2, REG-3): every figure is data the
company can edit, shown with its source."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    ChecklistItem,
    Forecast,
    InspectionRule,
    PlanningRule,
    RoutinePolicy,
    WeatherLimit,
)


@admin.register(InspectionRule)
class InspectionRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "item_type", "source", "is_active")
    list_filter = ("item_type", "is_active")
    search_fields = ("code", "name", "source")


@admin.register(PlanningRule)
class PlanningRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "item_type", "condition", "threshold", "source", "is_active")
    list_filter = ("item_type", "condition", "is_active")
    search_fields = ("code", "name", "content", "source")


@admin.register(WeatherLimit)
class WeatherLimitAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "access_methods",
        "max_beaufort",
        "min_temp",
        "max_temp",
        "source",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("code", "name", "source")


@admin.register(RoutinePolicy)
class RoutinePolicyAdmin(admin.ModelAdmin):
    list_display = ("item_type", "lead_days", "skip_steps")


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("__str__",)


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = ("__str__",)
