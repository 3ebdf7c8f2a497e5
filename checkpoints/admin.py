"""Admin of checkpoints for officials (registration, correction) and of the daily statistics.

Check-ins and declarations are not in the admin: they hold personal health data, shown masked
on the checkpoint pages and in full only on the audited tracing pages.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from checkpoints import selectors, services
from checkpoints.capabilities import CheckpointCap
from checkpoints.models import CheckinDailyStat, Checkpoint
from core.admin import ServiceAdmin
from core.collation import vi_order


@admin.register(Checkpoint)
class CheckpointAdmin(ServiceAdmin):
    view_cap = CheckpointCap.VIEW_CHECKPOINTS
    add_cap = CheckpointCap.REGISTER_CHECKPOINTS
    change_cap = CheckpointCap.REGISTER_CHECKPOINTS

    @staticmethod
    def selector(user: Any) -> Any:
        return selectors.checkpoints_visible_to(user)

    list_display = ("name", "organization", "kind", "unit", "status")
    ordering = (vi_order("name"), "id")  # type: ignore[assignment]  # expressions work; the stubs say str
    list_filter = ("status", "kind")
    search_fields = ("name",)
    fields = services.CHECKPOINT_FIELDS
    raw_id_fields = ("unit",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or selectors.checkpoints_manageable_by(request.user).filter(pk=obj.pk).exists()

    def save_model(self, request: HttpRequest, obj: Checkpoint, form: Any, change: bool) -> None:
        values = {
            name: form.cleaned_data[name] for name in services.CHECKPOINT_FIELDS if name in form.cleaned_data
        }
        if change:
            services.checkpoint_update(actor=request.user, checkpoint=obj, **values)
        else:
            saved = services.checkpoint_register(actor=request.user, **values)
            obj.pk = saved.pk


@admin.register(CheckinDailyStat)
class CheckinDailyStatAdmin(ServiceAdmin):
    view_cap = CheckpointCap.VIEW_CHECKPOINTS
    list_display = ("day", "checkpoint", "total", "self_scanned", "staff_scanned", "paper", "flagged")
    list_filter = ("day",)

    @staticmethod
    def selector(user: Any) -> Any:
        return CheckinDailyStat.objects.filter(
            checkpoint__in=selectors.checkpoints_visible_to(user)
        ).select_related("checkpoint")
