"""API tokens for integrations: created (the key shown once) and revoked by administrators."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import selectors, services
from core.admin.base import ServiceAdmin
from core.apitokens import scope_choices
from core.capabilities import Cap
from core.models import ApiToken
from core.roles import user_can


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Phạm vi quyền"), choices=scope_choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ("organization", "name", "scopes", "rate_per_minute", "expires_at")


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    view_cap = Cap.MANAGE_API_TOKENS
    add_cap = Cap.MANAGE_API_TOKENS
    change_cap = ""  # a key is never edited: it is revoked and a new one created
    selector = staticmethod(selectors.api_tokens_visible_to)
    form = ApiTokenForm
    list_display = (
        "name",
        "organization",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("organization",)
    search_fields = ("name", "prefix")
    readonly_fields = (
        "organization",
        "name",
        "prefix",
        "scopes",
        "rate_per_minute",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    )
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:  # the add page (an existing key is only viewed, then revoked)
            organization = form.base_fields["organization"]
            assert isinstance(organization, forms.ModelChoiceField)
            organization.queryset = selectors.organizations_visible_to(request.user)
            form.base_fields["rate_per_minute"].required = False
        return form

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Cap.MANAGE_API_TOKENS)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        data = form.cleaned_data
        token, raw = services.api_token_create(
            actor=request.user,
            organization=data["organization"],
            name=data["name"],
            scopes=list(data["scopes"]),
            expires_at=data.get("expires_at"),
            rate_per_minute=data.get("rate_per_minute"),
        )
        obj.pk = token.pk
        request._api_token_raw = raw  # type: ignore[attr-defined]  # shown once by response_add

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no relations to save: the service wrote the row

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: Any = None
    ) -> HttpResponse:
        """The key, once: rendered in this answer, never stored, never put in a message cookie."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": ApiToken.objects.get(pk=obj.pk),
            "raw": request._api_token_raw,  # type: ignore[attr-defined]
            "title": _("Mã truy cập API đã được tạo"),
        }
        response = TemplateResponse(request, "admin/core/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=gettext_lazy("Thu hồi các mã đã chọn"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset:
            services.api_token_revoke(actor=request.user, token=token, reason="admin")
            count += 1
        self.message_user(request, _("Đã thu hồi %(count)d mã.") % {"count": count}, messages.SUCCESS)
