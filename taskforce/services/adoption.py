"""The platforms catalogue and the agencies' weekly software-use reports."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import Organization
from taskforce import selectors
from taskforce.capabilities import TaskforceCap
from taskforce.models import Platform, UsageReport
from taskforce.services._common import Actor, human, is_system, require

PLATFORM_FIELDS = ("code", "name", "scope", "purpose", "url", "description", "order", "is_active")


def platform_save(*, actor: Actor, platform: Platform | None = None, **fields: Any) -> Platform:
    require(actor, TaskforceCap.PLATFORMS_EDIT)
    unknown = set(fields) - set(PLATFORM_FIELDS)
    if unknown:
        raise TypeError(f"unknown platform fields: {sorted(unknown)}")
    created = platform is None
    platform = platform or Platform()
    for name, value in fields.items():
        setattr(platform, name, value)
    platform.full_clean()
    with transaction.atomic():
        platform.save()
        audit(actor=actor, action="platform.create" if created else "platform.update", target=platform)
    return platform


def usage_report_submit(
    *,
    actor: Actor,
    organization: Organization,
    period_start: datetime.date,
    staff_count: int,
    staff_with_app: int,
    checkpoints_registered: int,
    scans_in_period: int,
    problems: str = "",
    platforms: Iterable[Platform] = (),
    is_demo: bool = False,
) -> UsageReport:
    """An agency reports its use of the software for one week; sending again replaces it."""
    require(actor, TaskforceCap.ADOPTION_REPORT)
    if (
        not is_system(actor)
        and not selectors.organizations_reporting_for(actor).filter(pk=organization.pk).exists()
    ):
        raise PermissionDenied(_("Bạn chỉ được báo cáo cho cơ quan của mình."))
    start, end = selectors.period_bounds(period_start)
    if start > selectors.today():
        raise ValidationError(_("Không báo cáo cho kỳ chưa bắt đầu."))
    if min(staff_count, staff_with_app, checkpoints_registered, scans_in_period) < 0:
        raise ValidationError(_("Số liệu không được âm."))
    if staff_with_app > staff_count:
        raise ValidationError(_("Số người đã cài ứng dụng không được lớn hơn số cán bộ, nhân viên."))
    with transaction.atomic():
        report, created = UsageReport.objects.select_for_update().get_or_create(
            organization=organization,
            period_start=start,
            defaults={
                "period_end": end,
                "staff_count": staff_count,
                "staff_with_app": staff_with_app,
                "checkpoints_registered": checkpoints_registered,
                "scans_in_period": scans_in_period,
            },
        )
        report.period_end = end
        report.staff_count = staff_count
        report.staff_with_app = staff_with_app
        report.checkpoints_registered = checkpoints_registered
        report.scans_in_period = scans_in_period
        report.problems = problems.strip()
        report.submitted_by = human(actor)
        report.submitted_at = timezone.now()
        report.is_demo = is_demo
        report.save()
        report.platforms_used.set(list(platforms))
        audit(
            actor=actor,
            action="usage_report.submit" if created else "usage_report.resubmit",
            target=report,
            details={"organization_id": organization.pk, "period_start": start.isoformat()},
        )
    return report
