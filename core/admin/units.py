"""Administrative units and their population figures (import/export of population)."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.admin import ImportExportMixin

from core import selectors, services
from core.actors import require_actor
from core.admin.base import ServiceAdmin
from core.admin.exports import CheckedExportMixin
from core.capabilities import Cap
from core.collation import vi_order
from core.models import (
    AdministrativeUnit,
)
from core.roles import user_can


class UnitCodeWidget(widgets.ForeignKeyWidget):
    """A unit by its code in the active list; the code's length tells the level (2/3/5 digits)."""

    LEVELS = {
        2: AdministrativeUnit.Level.PROVINCE,
        3: AdministrativeUnit.Level.DISTRICT,
        5: AdministrativeUnit.Level.WARD,
    }

    def __init__(self) -> None:
        super().__init__(AdministrativeUnit, field="code")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> AdministrativeUnit | None:
        if value in (None, ""):
            return None
        code = str(value).strip().split(".")[0]
        level = self.LEVELS.get(len(code))
        unit = AdministrativeUnit.objects.filter(
            scheme=settings.ADMIN_UNIT_SCHEME, level=level, code=code
        ).first()
        if unit is None:
            raise ValueError(_("Không tìm thấy đơn vị hành chính mã %(code)s.") % {"code": code})
        return unit

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""


class PopulationResource(resources.ModelResource):
    """Population per unit: rows are matched by (scheme, level, code); imports never create units."""

    class Meta:
        model = AdministrativeUnit
        import_id_fields = ("scheme", "level", "code")
        fields = (
            "scheme",
            "level",
            "code",
            "name",
            "population_total",
            "population_18_plus",
            "population_50_plus",
            "population_65_plus",
            "population_is_demo",
            "population_source",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = False

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        row["code"] = str(row.get("code", "")).strip().split(".")[0]

    def save_instance(self, instance: AdministrativeUnit, is_create: bool, row: Any, **kwargs: Any) -> None:
        if is_create:
            raise ValidationError(
                _("Không tìm thấy đơn vị hành chính mã %(code)s.") % {"code": instance.code}
            )
        services.unit_population_set(
            actor=require_actor(kwargs.get("user")),
            unit=instance,
            total=instance.population_total,
            age_18_plus=instance.population_18_plus,
            age_50_plus=instance.population_50_plus,
            age_65_plus=instance.population_65_plus,
            is_demo=bool(instance.population_is_demo),
            source=instance.population_source,
        )


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(CheckedExportMixin, ImportExportMixin, ServiceAdmin):
    view_cap = Cap.VIEW_UNITS
    change_cap = Cap.EDIT_POPULATION
    selector = staticmethod(lambda user: selectors.unit_list())
    resource_classes = [PopulationResource]
    list_display = ("name", "code", "level", "parent", "population_total", "population_is_demo")
    ordering = (vi_order("name"), "id")  # type: ignore[assignment]  # expressions work; the stubs say str
    list_filter = ("level", "population_is_demo")
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    readonly_fields = ("scheme", "level", "code", "name", "unit_type", "parent", "population_updated_at")
    fields = (
        *readonly_fields,
        "population_total",
        "population_18_plus",
        "population_50_plus",
        "population_65_plus",
        "population_is_demo",
        "population_source",
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or selectors.units_editable_by(request.user).filter(pk=obj.pk).exists()

    def has_import_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Cap.EDIT_POPULATION)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def save_model(self, request: HttpRequest, obj: AdministrativeUnit, form: Any, change: bool) -> None:
        services.unit_population_set(
            actor=request.user,
            unit=obj,
            total=obj.population_total,
            age_18_plus=obj.population_18_plus,
            age_50_plus=obj.population_50_plus,
            age_65_plus=obj.population_65_plus,
            is_demo=obj.population_is_demo,
            source=obj.population_source,
        )
