"""Accounts, roles and scopes."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import services
from core.admin.base import ServiceAdmin
from core.capabilities import Cap
from core.models import (
    UserScope,
)
from core.roles import user_can


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
# Second-factor devices hold secrets: set up by the official (enrolment), removed by an
# administrator's reset (/portal/mo-khoa-dang-nhap/), never edited in the admin.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        """A user editing their own account may not change their own roles: refused on the form,
        with nothing saved (the service refuses it too)."""
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or obj.pk != request.user.pk:
            return form_class

        class OwnAccountForm(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> Any:
                cleaned = super().clean()
                if set(self.changed_data) & services.GUARDED_FIELDS:
                    raise ValidationError(
                        _(
                            "Bạn không thể tự thay đổi vai trò của chính mình. "
                            "Nhờ một cán bộ khác có quyền phân quyền thực hiện."
                        )
                    )
                return cleaned

        return OwnAccountForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.user_save(actor=request.user, user=obj, created=not change, changed=form.changed_data)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if "groups" in form.cleaned_data:
            services.user_roles_set(
                actor=request.user, user=form.instance, roles=[g.name for g in form.cleaned_data["groups"]]
            )
