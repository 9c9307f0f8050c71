from django.contrib import admin

from .models import Material, MaterialCategory


@admin.register(MaterialCategory)
class MaterialCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "spec_model", "unit", "category", "is_active")
    list_filter = ("is_active", "category")
    search_fields = ("code", "name", "spec_model", "brand")
    readonly_fields = ("version",)
