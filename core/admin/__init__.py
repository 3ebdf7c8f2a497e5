"""Admin for officials. Querysets come from selectors (scoped), writes go through services.

``ServiceAdmin`` is the base every app's admin uses: permissions come from role capabilities,
deletes are off, and each subclass routes ``save_model`` to its service.

The package splits by entity; importing it registers every core model admin.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.admin import accounts, logs, organizations, people, tokens, units
from core.admin.base import ServiceAdmin
from core.admin.organizations import OrganizationResource
from core.admin.units import PopulationResource

admin.site.site_header = format_lazy(
    "{} — {}", _("Tổ công nghệ phòng, chống dịch COVID-19"), settings.PROVINCE_NAME
)
admin.site.site_title = format_lazy("{} {}", _("Quản trị"), settings.PROVINCE_NAME)
admin.site.index_title = _("Quản trị cổng thông tin")


def _portal_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin has no login of its own: the portal's (throttled, with the second factor)."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _portal_login  # type: ignore[method-assign]

__all__ = [
    "OrganizationResource",
    "PopulationResource",
    "ServiceAdmin",
    "accounts",
    "logs",
    "organizations",
    "people",
    "tokens",
    "units",
]
