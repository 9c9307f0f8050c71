from django.contrib import admin

from .models import HotlineCall, InboundMail, WebSubmission


@admin.register(WebSubmission)
class WebSubmissionAdmin(admin.ModelAdmin):
    list_display = ("request", "remote_addr", "suggested_customer", "created_at")
    readonly_fields = ("request", "token_digest", "remote_addr")


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ("subject", "sender", "request", "is_follow_up", "received_at")


@admin.register(HotlineCall)
class HotlineCallAdmin(admin.ModelAdmin):
    list_display = ("caller_number", "agent", "request", "started_at")
