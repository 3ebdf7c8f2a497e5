"""The report's sections in order, the summary, and ``collect`` which builds them all."""

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core.models import AdministrativeUnit
from reports.data.adoption import build_adoption
from reports.data.assessment import assess
from reports.data.base import ReportContext, SectionData
from reports.data.difficulties import build_difficulties
from reports.data.epidemic import build_epidemic
from reports.data.levels import build_levels
from reports.data.taskforce import build_taskforce
from reports.data.vaccination import build_vaccination
from reports.models import Section

BUILDERS: dict[str, Callable[[ReportContext], SectionData]] = {
    Section.EPIDEMIC: build_epidemic,
    Section.LEVELS: build_levels,
    Section.VACCINATION: build_vaccination,
    Section.ADOPTION: build_adoption,
    Section.TASKFORCE: build_taskforce,
    Section.DIFFICULTIES: build_difficulties,
}


def build_summary(sections: list[SectionData]) -> SectionData:
    summary = SectionData(Section.SUMMARY, str(Section.SUMMARY.label))
    for section in sections:
        summary.highlights.extend(section.highlights)
    missing = [s.title for s in sections if s.incomplete]
    if missing:
        summary.statements.append(
            _("Các phần chưa có số liệu vì nền tảng chưa triển khai: %(sections)s.")
            % {"sections": ", ".join(missing)}
        )
    if any(s.facts.get("population_is_demo") for s in sections):
        summary.statements.append(
            _("Số liệu dân số trong báo cáo là SỐ LIỆU MINH HỌA; các tỷ lệ theo dân số chỉ để tham khảo.")
        )
    assess(summary, sections)
    return summary


def report_units(unit_ids: list[int]) -> list[AdministrativeUnit]:
    units = core_selectors.reporting_units().order_by("code")
    if unit_ids:
        units = units.filter(pk__in=unit_ids)
    return list(units)


def collect(
    *, period_start: datetime.date, period_end: datetime.date, unit_ids: list[int], sections: list[str]
) -> tuple[ReportContext, list[SectionData]]:
    ctx = ReportContext(
        period_start=period_start,
        period_end=period_end,
        units=report_units(unit_ids),
        snapshot_at=timezone.now(),
    )
    built = [BUILDERS[key](ctx) for key in Section.values if key in sections and key in BUILDERS]
    if Section.SUMMARY in sections:
        built.insert(0, build_summary(built))
    return ctx, built
