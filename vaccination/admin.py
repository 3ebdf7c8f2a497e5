"""Admin of the catalogue (vaccines, lots, sites, priority groups, the screening checklist):
officials edit it here; every save calls a service. Stock, sessions and doses are handled on the
portal pages."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.actors import require_actor
from core.admin import ServiceAdmin
from core.admin.exports import CheckedExportMixin
from core.admin.imports import ScopedImportMixin
from core.audit import audit_read
from core.models import Person
from core.roles import user_can
from vaccination import services
from vaccination.capabilities import VaccinationCap
from vaccination.imports import DoseExportResource, DoseImportResource, export_queryset
from vaccination.models import Dose, Lot, PriorityGroup, ScreeningQuestion, Site, Vaccine


class CatalogueAdmin(ServiceAdmin):
    view_cap: str = VaccinationCap.VIEW
    add_cap: str = VaccinationCap.MANAGE_CATALOGUE
    change_cap: str = VaccinationCap.MANAGE_CATALOGUE
    readonly_on_change: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_on_change if obj else ()


@admin.register(Vaccine)
class VaccineAdmin(CatalogueAdmin):
    list_display = (
        "name",
        "product_code",
        "primary_doses",
        "min_interval_days",
        "doses_per_vial",
        "is_active",
    )
    fields = ("name", *services.VACCINE_FIELDS, "is_active")
    readonly_on_change = ("name",)  # the product is found by its name

    @staticmethod
    def selector(user: Any) -> Any:
        return Vaccine.objects.all()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in (*services.VACCINE_FIELDS, "is_active")}
        saved = services.vaccine_save(actor=require_actor(request.user), name=obj.name, **fields)
        obj.pk = saved.pk


@admin.register(Lot)
class LotAdmin(CatalogueAdmin):
    change_cap = ""  # a lot is recalled through its service, not edited
    list_display = ("vaccine", "number", "expiry_date", "quantity_received", "recalled_at")
    list_filter = ("vaccine",)
    search_fields = ("number",)
    fields = ("vaccine", "number", "expiry_date")

    @staticmethod
    def selector(user: Any) -> Any:
        return Lot.objects.select_related("vaccine")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.lot_create(
            actor=require_actor(request.user),
            vaccine=obj.vaccine,
            number=obj.number,
            expiry_date=obj.expiry_date,
        )
        obj.pk = saved.pk


@admin.register(Site)
class SiteAdmin(CatalogueAdmin):
    change_cap = ""
    list_display = ("name", "unit", "is_active")
    search_fields = ("name",)
    fields = ("name", "unit", "organization", "address_line")
    raw_id_fields = ("unit", "organization")

    @staticmethod
    def selector(user: Any) -> Any:
        from vaccination.selectors import sites_visible_to

        return sites_visible_to(user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.site_create(
            actor=require_actor(request.user),
            name=obj.name,
            unit=obj.unit,
            organization=obj.organization,
            address_line=obj.address_line,
        )
        obj.pk = saved.pk


@admin.register(PriorityGroup)
class PriorityGroupAdmin(CatalogueAdmin):
    list_display = ("code", "name", "order", "is_active")
    readonly_on_change = ("code",)
    fields = ("code", "name", "order", "is_active")

    @staticmethod
    def selector(user: Any) -> Any:
        return PriorityGroup.objects.all()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.priority_group_save(
            actor=require_actor(request.user),
            code=obj.code,
            name=obj.name,
            order=obj.order,
            is_active=obj.is_active,
        )
        obj.pk = saved.pk


@admin.register(ScreeningQuestion)
class ScreeningQuestionAdmin(CatalogueAdmin):
    list_display = ("code", "text", "if_yes", "order", "is_active")
    readonly_on_change = ("code",)
    fields = ("code", "text", "if_yes", "order", "is_active")

    @staticmethod
    def selector(user: Any) -> Any:
        return ScreeningQuestion.objects.all()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.screening_question_save(
            actor=require_actor(request.user),
            code=obj.code,
            text=obj.text,
            if_yes=obj.if_yes,
            order=obj.order,
            is_active=obj.is_active,
        )
        obj.pk = saved.pk


def _sites_for_import(user: Any) -> Any:
    from vaccination.selectors import sites_visible_to

    return sites_visible_to(user) if user_can(user, VaccinationCap.ADMINISTER) else Site.objects.none()


@admin.register(Dose)
class DoseAdmin(ScopedImportMixin, CheckedExportMixin, ServiceAdmin):
    """Vaccination lists in (a file of past doses, into a site in the user's scope) and out (the
    national platform's layout); doses are otherwise recorded on the portal's pages."""

    view_cap = VaccinationCap.ADMINISTER  # names and ID numbers: the staff who record doses
    resource_classes = [DoseImportResource]
    export_resource_classes = [DoseExportResource]
    import_target = ("site", _("Điểm tiêm"), _sites_for_import)
    list_display = ("person", "vaccine", "lot", "dose_number", "administered_at", "site")
    list_filter = ("vaccine", "dose_number")
    list_select_related = ("person", "vaccine", "lot", "site")
    fields = ("person", "vaccine", "lot", "dose_number", "administered_at", "site", "vaccinator_name")
    readonly_fields = fields

    @staticmethod
    def selector(user: Any) -> Any:
        from vaccination.selectors import doses_visible_to

        return doses_visible_to(user)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, VaccinationCap.ADMINISTER)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, VaccinationCap.ADMINISTER)

    def get_data_for_export(self, request: HttpRequest, queryset: Any, **kwargs: Any) -> Any:
        queryset = export_queryset(queryset)
        audit_read(
            actor=request.user,
            target=Person,
            ids=sorted(set(queryset.values_list("person_id", flat=True))),
            purpose=str(_("Xuất danh sách mũi tiêm cho nền tảng quốc gia")),
        )
        return super().get_data_for_export(request, queryset, **kwargs)
