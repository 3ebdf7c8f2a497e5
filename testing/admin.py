"""Admin of the lab results: the list lab staff see, and the import of a lab system's file with
preview (issue 18 point 5; docs/testing.md). Results are written only by the import service."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import pgettext_lazy

from core.admin import ServiceAdmin
from core.admin.imports import ScopedImportMixin
from core.roles import user_can
from testing import selectors
from testing.capabilities import TestingCap
from testing.imports import LabResultResource
from testing.models import LabResult


def _labs(user: Any) -> Any:
    return (
        selectors.labs_visible_to(user).filter(is_active=True)
        if user_can(user, TestingCap.LAB)
        else selectors.labs_visible_to(user).none()
    )


@admin.register(LabResult)
class LabResultAdmin(ScopedImportMixin, ServiceAdmin):
    view_cap = TestingCap.LAB
    selector = staticmethod(selectors.results_visible_to)
    resource_classes = [LabResultResource]
    import_target = ("lab", pgettext_lazy("one", "Phòng xét nghiệm"), _labs)
    list_display = ("sample", "outcome", "ct_value", "resulted_at", "via", "verified_by")
    list_filter = ("outcome", "via")
    search_fields = ("sample__code",)
    list_select_related = ("sample",)
    fields = ("sample", "outcome", "via", "resulted_at", "ct_value", "verified_by")
    readonly_fields = fields

    def has_import_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, TestingCap.LAB)
