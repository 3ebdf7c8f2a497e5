"""The published figures: one row, replaced by each refresh (dashboard.services)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """What the dashboard and the open data serve. ``data`` is the publication (already
    suppressed, dashboard.privacy); ``base`` the raw counts of the window's folded days, kept
    only so the next refresh recounts the live days alone. Aggregates: no personal data."""

    key = models.CharField(_("khoá"), max_length=32, unique=True, default="public")
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    # New at every refresh; the cache keys of pages and answers contain it (invalidation).
    token = models.CharField(_("mã phiên bản"), max_length=32, default="")
    computed_at = models.DateTimeField(_("tính lúc"))
    data = models.JSONField(_("số liệu công bố"), default=dict)
    base = models.JSONField(_("số liệu gốc của các ngày đã cộng dồn"), default=dict)

    class Meta:
        verbose_name = _("số liệu bảng tin")
        verbose_name_plural = _("số liệu bảng tin")

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"
