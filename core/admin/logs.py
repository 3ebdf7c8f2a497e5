"""The audit log and outbound messages: read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import selectors
from core.admin.base import ServiceAdmin
from core.capabilities import Cap
from core.masking import mask_phone
from core.models import (
    AuditLog,
    OutboundMessage,
)


@admin.register(AuditLog)
class AuditLogAdmin(ServiceAdmin):
    view_cap = Cap.VIEW_AUDIT
    selector = staticmethod(selectors.audit_visible_to)
    list_display = ("at", "actor", "action", "target_type", "target_id", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_type", "target_id", "actor__username")
    date_hierarchy = "at"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ServiceAdmin):
    view_cap = Cap.VIEW_MESSAGES
    selector = staticmethod(selectors.messages_visible_to)
    list_display = ("created_at", "channel", "masked_recipient", "purpose", "status", "attempts", "sent_at")
    list_filter = ("channel", "status", "purpose")
    exclude = ("recipient",)
    readonly_fields = ("masked_recipient",)

    @admin.display(description=_("Người nhận"))
    def masked_recipient(self, obj: OutboundMessage) -> str:
        if obj.channel == OutboundMessage.Channel.SMS:
            return mask_phone(obj.recipient)
        return obj.recipient

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
