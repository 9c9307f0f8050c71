"""Django admin for the reference data (the normal pages go through the services)."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Contact,
    Customer,
    FacadeSystem,
    GlassType,
    Project,
    ServiceContract,
    ServiceLevel,
    ServiceLevelDefault,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "is_active"]
    search_fields = ["code", "name", "city"]
    readonly_fields = ["code", "version"]
    inlines = [ContactInline]


@admin.register(FacadeSystem)
class FacadeSystemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "is_active"]
    list_filter = ["category", "is_active"]


@admin.register(GlassType)
class GlassTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]


@admin.register(ServiceLevelDefault)
class ServiceLevelDefaultAdmin(admin.ModelAdmin):
    list_display = [
        "urgency",
        "respond_within_hours",
        "on_site_within_hours",
        "complete_within_hours",
        "clock",
    ]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "customer", "city", "completion_date", "warranty_end"]
    search_fields = ["code", "name", "customer__name", "city"]
    list_filter = ["city", "use_type"]
    readonly_fields = ["code", "version"]
    autocomplete_fields = ["customer"]


class ServiceLevelInline(admin.TabularInline):
    model = ServiceLevel
    extra = 0


@admin.register(ServiceContract)
class ServiceContractAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "customer", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title", "customer__name"]
    readonly_fields = ["number", "status", "version"]
    inlines = [ServiceLevelInline]
