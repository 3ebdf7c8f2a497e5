"""Admin for officials. Querysets come from selectors (scoped), writes go through services.

``ServiceAdmin`` is the base every app's admin uses: permissions come from role capabilities,
deletes are off, and each subclass routes ``save_model`` to its service.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin

from core import selectors, services
from core.audit import audit_read
from core.collation import vi_order
from core.masking import mask_phone
from core.models import (
    AdministrativeUnit,
    AuditLog,
    DuplicateCandidate,
    Organization,
    OutboundMessage,
    Person,
    UserScope,
)
from core.roles import Cap, user_can

admin.site.site_header = format_lazy(
    "{} — {}", _("Tổ công nghệ phòng, chống dịch COVID-19"), settings.PROVINCE_NAME
)
admin.site.site_title = format_lazy("{} {}", _("Quản trị"), settings.PROVINCE_NAME)
admin.site.index_title = _("Quản trị cổng thông tin")


class ServiceAdmin(admin.ModelAdmin):
    """Role-based, scoped admin. Subclasses set the capabilities and the selector."""

    view_cap: str = ""
    add_cap: str = ""
    change_cap: str = ""
    selector: Callable[[Any], QuerySet] | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        if self.selector is None:
            raise NotImplementedError("ServiceAdmin needs a selector")
        qs = type(self).selector(request.user)  # type: ignore[misc]
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.view_cap) and user_can(request.user, self.view_cap)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(self.add_cap) and user_can(request.user, self.add_cap)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.change_cap) and user_can(request.user, self.change_cap)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing is deleted from the admin; retention jobs and services do it

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        raise NotImplementedError(f"{type(self).__name__}.save_model must call a service")


# --- Administrative units and population ------------------------------------------------


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
            actor=kwargs.get("user"),
            unit=instance,
            total=instance.population_total,
            age_18_plus=instance.population_18_plus,
            age_50_plus=instance.population_50_plus,
            age_65_plus=instance.population_65_plus,
            is_demo=bool(instance.population_is_demo),
            source=instance.population_source,
        )


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ImportExportMixin, ServiceAdmin):
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


# --- Organizations ----------------------------------------------------------------------


class OrganizationResource(resources.ModelResource):
    unit = fields.Field(attribute="unit", column_name="unit_code", widget=UnitCodeWidget())
    parent = fields.Field(
        attribute="parent",
        column_name="parent_name",
        widget=widgets.ForeignKeyWidget(Organization, field="name"),
    )

    class Meta:
        model = Organization
        import_id_fields = ("name", "unit")
        fields = (
            "name",
            "short_name",
            "kind",
            "parent",
            "unit",
            "address",
            "contact_email",
            "contact_phone",
            "is_standing_agency",
            "is_active",
        )
        export_order = fields
        skip_unchanged = True

    def save_instance(self, instance: Organization, is_create: bool, row: Any, **kwargs: Any) -> None:
        values = {name: getattr(instance, name) for name in services.ORGANIZATION_FIELDS}
        actor = kwargs.get("user")
        if is_create:
            created = services.organization_create(actor=actor, **values)
            instance.pk = created.pk
        else:
            services.organization_update(actor=actor, organization=instance, **values)


@admin.register(Organization)
class OrganizationAdmin(ImportExportMixin, ServiceAdmin):
    view_cap = Cap.VIEW_ORGANIZATIONS
    add_cap = Cap.EDIT_ORGANIZATIONS
    change_cap = Cap.EDIT_ORGANIZATIONS
    selector = staticmethod(selectors.organizations_visible_to)
    resource_classes = [OrganizationResource]
    list_display = ("name", "short_name", "kind", "unit", "is_standing_agency", "is_active")
    ordering = (vi_order("name"), "id")  # type: ignore[assignment]  # expressions work; the stubs say str
    list_filter = ("kind", "is_standing_agency", "is_active")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("unit", "parent")

    def has_import_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Cap.EDIT_ORGANIZATIONS)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        values = {
            name: form.cleaned_data.get(name, getattr(obj, name)) for name in services.ORGANIZATION_FIELDS
        }
        if change:
            services.organization_update(actor=request.user, organization=obj, **values)
        else:
            created = services.organization_create(actor=request.user, **values)
            obj.pk = created.pk


# --- People -----------------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    view_cap = Cap.VIEW_PEOPLE
    add_cap = Cap.EDIT_PEOPLE
    change_cap = Cap.EDIT_PEOPLE
    selector = staticmethod(selectors.persons_visible_to)
    list_display = ("full_name", "birth_year", "sex", "masked_phone", "address_unit", "source")
    list_filter = ("sex", "source")
    # Names are searched by their key (no diacritics); ID and phone only by exact look-up hash.
    search_fields = ("name_key",)
    autocomplete_fields = ("address_unit",)
    fields = (
        "full_name",
        "date_of_birth",
        "birth_year",
        "sex",
        "nationality",
        "id_number",
        "phone",
        "address_unit",
        "address_line",
    )

    @admin.display(description=_("Điện thoại"))
    def masked_phone(self, obj: Person) -> str:
        return mask_phone(obj.phone)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        from core.crypto import lookup_hash

        term = search_term.strip()
        if term.replace(" ", "").replace("+", "").isdigit():
            digits = term.replace(" ", "")
            return queryset.filter(id_number_hash__in=[lookup_hash("id_number", digits)]) | queryset.filter(
                phone_hash=lookup_hash("phone", digits)
            ), False
        return super().get_search_results(request, queryset, services.name_key(term))

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (
            getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        )
        if changelist is not None:
            audit_read(
                actor=request.user,
                target=Person,
                ids=[p.pk for p in changelist.result_list],
                purpose="admin: danh sách người",
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            audit_read(actor=request.user, target=Person, ids=[object_id], purpose="admin: xem hồ sơ")
        return response

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        cleaned = form.cleaned_data
        data = services.PersonData(
            full_name=cleaned.get("full_name") or "",
            date_of_birth=cleaned.get("date_of_birth"),
            birth_year=cleaned.get("birth_year"),
            sex=cleaned.get("sex") or Person.Sex.UNKNOWN,
            nationality=cleaned.get("nationality") or "VN",
            id_number=cleaned.get("id_number") or "",
            phone=cleaned.get("phone") or "",
            address_unit=cleaned.get("address_unit"),
            address_line=cleaned.get("address_line") or "",
        )
        if change:
            services.person_update(actor=request.user, person=Person.objects.get(pk=obj.pk), data=data)
        else:
            created = services.person_create(actor=request.user, data=data)
            obj.pk = created.pk


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(ServiceAdmin):
    view_cap = Cap.MERGE_PEOPLE
    selector = staticmethod(selectors.duplicates_visible_to)
    list_display = ("person", "other", "reason", "status", "created_at")
    list_filter = ("status",)
    actions = ["merge_into_older", "dismiss"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Hợp nhất vào hồ sơ cũ hơn"))
    def merge_into_older(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not user_can(request.user, Cap.MERGE_PEOPLE):
            raise PermissionDenied
        for candidate in queryset.filter(status=DuplicateCandidate.Status.OPEN):
            keep, duplicate = sorted([candidate.person, candidate.other], key=lambda p: p.pk)
            services.person_merge(
                actor=request.user,
                keep=keep,
                duplicate=duplicate,
                reason=f"admin: nghi trùng #{candidate.pk} ({candidate.reason})",
            )
        self.message_user(request, _("Đã hợp nhất các hồ sơ đã chọn."), messages.SUCCESS)

    @admin.action(description=_("Đánh dấu không trùng"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet) -> None:
        for candidate in queryset.filter(status=DuplicateCandidate.Status.OPEN):
            services.duplicate_dismiss(actor=request.user, candidate=candidate, reason="admin")
        self.message_user(request, _("Đã đánh dấu không trùng."), messages.SUCCESS)


# --- Audit log and messages (read-only) ---------------------------------------------------


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


# --- Accounts, roles and scopes ----------------------------------------------------------


@admin.register(UserScope)
class UserScopeAdmin(ServiceAdmin):
    view_cap = Cap.MANAGE_SCOPES
    add_cap = Cap.MANAGE_SCOPES
    change_cap = Cap.MANAGE_SCOPES
    selector = staticmethod(lambda user: UserScope.objects.select_related("user"))
    list_display = ("user", "province_wide")
    autocomplete_fields = ("user", "units", "organizations")

    def save_model(self, request: HttpRequest, obj: UserScope, form: Any, change: bool) -> None:
        """The scope is written in save_related, once the many-to-many values are known."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        scope = services.user_scope_set(
            actor=request.user,
            user=form.cleaned_data["user"],
            province_wide=form.cleaned_data["province_wide"],
            units=form.cleaned_data["units"],
            organizations=form.cleaned_data["organizations"],
        )
        form.instance.pk = scope.pk


User = get_user_model()
admin.site.unregister(Group)
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(DjangoUserAdmin):
    """Accounts: only those who manage scopes (the standing agency) and superusers."""

    search_fields = ("username", "first_name", "last_name", "email")
    list_filter = ("groups", "is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin"), {"fields": ("first_name", "last_name", "email")}),
        (_("Vai trò"), {"fields": ("is_active", "groups")}),
    )

    def _allowed(self, request: HttpRequest) -> bool:
        return user_can(request.user, Cap.MANAGE_SCOPES)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.user_save(actor=request.user, user=obj, created=not change, changed=form.changed_data)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if "groups" in form.cleaned_data:
            services.user_roles_set(
                actor=request.user, user=form.instance, roles=[g.name for g in form.cleaned_data["groups"]]
            )
