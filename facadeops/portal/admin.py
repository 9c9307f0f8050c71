from django.contrib import admin

from .models import PortalInvitation, SatisfactionRating


@admin.register(PortalInvitation)
class PortalInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "customer", "created_at", "accepted_at")
    readonly_fields = ("token_digest",)


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ("work_order", "customer", "score", "created_at")
