"""Organizations (import/export)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin

from core import selectors, services
from core.actors import require_actor
from core.admin.base import ServiceAdmin
from core.admin.exports import CheckedExportMixin
from core.admin.units import UnitCodeWidget
from core.capabilities import Cap
from core.collation import vi_order
from core.models import (
    Organization,
)
from core.roles import user_can
from core.text import clean_text


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

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        """A spreadsheet's text as any other person input (``core.text.clean_text``), before
        rows are matched by name."""
        for key, value in list(row.items()):
            if isinstance(value, str):
                row[key] = clean_text(value)

    def save_instance(self, instance: Organization, is_create: bool, row: Any, **kwargs: Any) -> None:
        values = {name: getattr(instance, name) for name in services.ORGANIZATION_FIELDS}
        actor = require_actor(kwargs.get("user"))
        if is_create:
            created = services.organization_create(actor=actor, **values)
            instance.pk = created.pk
        else:
            services.organization_update(actor=actor, organization=instance, **values)


@admin.register(Organization)
class OrganizationAdmin(CheckedExportMixin, ImportExportMixin, ServiceAdmin):
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
