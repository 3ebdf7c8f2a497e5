"""Admin for officials. Querysets come from selectors (scoped), writes go through services.

``ServiceAdmin`` is the base every app's admin uses: permissions come from role capabilities,
deletes are off, and each subclass routes ``save_model`` to its service.

The package splits by entity; importing it registers every core model admin.
"""

from django.conf import settings
from django.contrib import admin
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
