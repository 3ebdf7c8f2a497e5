"""``ServiceAdmin``: the base every app's admin uses (capabilities, scoped querysets, no deletes,
``save_model`` routed to a service)."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest

from core.bounds import parse_id
from core.roles import user_can


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

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """The add form's initial values from the query string (``?parent=3``), without a
        related row's id that cannot be one (``?parent=abc`` was a 500 while the form drew)."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation:
                values = value if isinstance(value, list) else [value]
                if any(parse_id(v) is None for v in values):
                    del initial[name]
        return initial

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        raise NotImplementedError(f"{type(self).__name__}.save_model must call a service")
