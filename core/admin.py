"""Admin registrations of the shared app, and the province's branding of the admin site."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.text import format_lazy

admin.site.site_header = format_lazy("{} — {}", _("Tổ công nghệ phòng, chống dịch COVID-19"), settings.PROVINCE_NAME)
admin.site.site_title = format_lazy("{} {}", _("Quản trị"), settings.PROVINCE_NAME)
admin.site.index_title = _("Quản trị cổng thông tin")
