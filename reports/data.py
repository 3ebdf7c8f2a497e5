"""The figures of a report, collected from the other apps' selectors.

Each section builder returns a ``SectionData``: its tables (the same tables feed the PDF, the
charts and the Excel file) and plain statements. A platform that is not built yet yields a
statement saying so, never a figure.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from checkpoints.selectors import SCAN_COUNTS
from core import selectors as core_selectors
from core.collation import vi_order, vi_sort_key
from core.models import AdministrativeUnit
from reports.models import Section


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    # Column index to chart as horizontal bars (None: no chart), and the label column.
    chart_column: int | None = None
    note: str = ""

    def display_rows(self) -> list[list[tuple[str, str]]]:
        """Cells as (text, css class): numbers right-aligned with Vietnamese thousands dots."""
        out = []
        for row in self.rows:
            cells = []
            for cell in row:
                if cell is None:
                    cells.append(("—", "num"))
                elif isinstance(cell, bool):
                    cells.append((_("Có") if cell else _("Không"), ""))
                elif isinstance(cell, int):
                    cells.append((f"{cell:,}".replace(",", "."), "num"))
                elif isinstance(cell, float):
                    cells.append(
                        (f"{cell:,.1f}".replace(",", " ").replace(".", ",").replace(" ", "."), "num")
                    )
                else:
                    cells.append((str(cell), ""))
            out.append(cells)
        return out


@dataclass
class SectionData:
    key: str
    title: str
    statements: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # Short lines for the chairman's summary.
    highlights: list[str] = field(default_factory=list)
    # True when a platform this section needs is not built: the summary says so.
    incomplete: bool = False


@dataclass
class ReportContext:
    period_start: datetime.date
    period_end: datetime.date
    units: list[AdministrativeUnit]
    snapshot_at: datetime.datetime
    # Figures several sections share, computed once per report (see _checkpoint_figures).
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.period_start, datetime.time.min))

    @property
    def end(self) -> datetime.datetime:
        """Exclusive end: midnight after the last day, capped at the snapshot time."""
        end = timezone.make_aware(
            datetime.datetime.combine(self.period_end + datetime.timedelta(days=1), datetime.time.min)
        )
        return min(end, self.snapshot_at)


def not_built(platform: str) -> str:
    return _("Nền tảng %(platform)s chưa được triển khai trên cổng: báo cáo không có số liệu phần này.") % {
        "platform": platform
    }


def build_epidemic(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.EPIDEMIC, str(Section.EPIDEMIC.label), incomplete=True)
    section.statements.append(
        not_built(_("xét nghiệm")) + " " + _("(ca mắc, số xét nghiệm, tỷ lệ dương tính)")
    )
    section.statements.append(not_built(_("tiêm chủng")) + " " + _("(số mũi tiêm, tỷ lệ bao phủ)"))
    section.statements.append(
        _(
            "Cấp độ dịch theo huyện cần số ca mắc và tỷ lệ tiêm chủng; "
            "chưa đánh giá được khi hai nền tảng trên chưa có."
        )
    )
    figures = _checkpoint_figures(ctx)
    flagged = {u.pk: [0, 0] for u in ctx.units}
    for pk, point in figures["points"].items():
        counts = figures["scans"].get(pk)
        if counts:
            bucket = flagged[figures["unit_of"][point["unit_id"]]]
            bucket[0] += counts["flagged"]
            bucket[1] += counts["total"]
    flagged_rows: list[list[Any]] = [
        [u.name, flagged[u.pk][0], flagged[u.pk][1], _pct(*flagged[u.pk])] for u in ctx.units
    ]
    total_flagged = sum(counts[0] for counts in flagged.values())
    section.highlights.append(
        _("%(flagged)s lượt khai báo y tế tại điểm kiểm dịch có triệu chứng hoặc yếu tố dịch tễ.")
        % {"flagged": f"{total_flagged:,}".replace(",", ".")}
    )
    section.tables.append(
        Table(
            key="flagged_declarations",
            title=_("Khai báo y tế có triệu chứng hoặc yếu tố dịch tễ (tại điểm kiểm dịch)"),
            headers=[_("Địa bàn"), _("Lượt khai báo có dấu hiệu"), _("Tổng lượt khai báo"), _("Tỷ lệ (%)")],
            rows=flagged_rows,
            chart_column=1,
        )
    )
    demo = any(u.population_is_demo for u in ctx.units)
    rows = [
        [
            u.name,
            u.population_total,
            u.population_18_plus,
            u.population_65_plus,
            _("minh họa") if u.population_is_demo else (u.population_source or _("chính thức")),
        ]
        for u in ctx.units
    ]
    section.tables.append(
        Table(
            key="population",
            title=_("Dân số theo địa bàn (mẫu số cho các tỷ lệ)"),
            headers=[_("Địa bàn"), _("Dân số"), _("Từ 18 tuổi"), _("Từ 65 tuổi"), _("Nguồn số liệu")],
            rows=rows,
            note=_("Số liệu dân số đang là SỐ LIỆU MINH HỌA, không phải số liệu thật.") if demo else "",
        )
    )
    return section


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _reporting_map(ctx: ReportContext) -> dict[int, int]:
    """Every unit id of the province -> the id of its unit at the reporting level."""
    province = core_selectors.province_unit()
    rows: dict[int, dict[str, Any]] = {
        u["id"]: dict(u)
        for u in AdministrativeUnit.objects.filter(
            Q(pk=province.pk) | Q(parent=province) | Q(parent__parent=province)
        ).values("id", "parent_id", "level")
    }
    mapping: dict[int, int] = {}
    for unit_id in rows:
        current: dict[str, Any] | None = rows[unit_id]
        while current is not None and current["level"] != settings.REPORTING_LEVEL:
            current = rows.get(current["parent_id"])
        if current is not None:
            mapping[unit_id] = current["id"]
    return mapping


def _checkpoint_figures(ctx: ReportContext) -> dict[str, Any]:
    """Checkpoints and scans of the period per reporting unit and per organization (once per report)."""
    if "checkpoints" not in ctx.shared:
        ctx.shared["checkpoints"] = _collect_checkpoint_figures(ctx)
    return ctx.shared["checkpoints"]


def _collect_checkpoint_figures(ctx: ReportContext) -> dict[str, Any]:
    from checkpoints import selectors as cp_selectors
    from checkpoints.models import Checkpoint

    unit_of = _reporting_map(ctx)
    wanted = {u.pk for u in ctx.units}
    points = {
        p["id"]: p
        for p in Checkpoint.objects.filter(registered_at__lt=ctx.end).values(
            "id", "unit_id", "organization_id", "organization__name", "status", "decided_at"
        )
    }
    points = {pk: p for pk, p in points.items() if unit_of.get(p["unit_id"]) in wanted}
    silent = set(
        cp_selectors.silent_checkpoints(now=ctx.end).filter(pk__in=list(points)).values_list("pk", flat=True)
    )
    totals = cp_selectors.checkin_totals(date_from=ctx.period_start, date_to=ctx.period_end)
    scans = {pk: counts for pk, counts in totals.items() if pk in points}
    return {"unit_of": unit_of, "points": points, "silent": silent, "scans": scans}


def _district_rows(ctx: ReportContext, figures: dict[str, Any]) -> list[list[Any]]:
    from checkpoints.models import Checkpoint

    per_unit: dict[int, dict[str, int]] = {
        u.pk: dict.fromkeys(("registered", "approved", "active", "silent", *SCAN_COUNTS), 0)
        for u in ctx.units
    }
    for pk, point in figures["points"].items():
        bucket = per_unit[figures["unit_of"][point["unit_id"]]]
        bucket["registered"] += 1
        if (
            point["status"] == Checkpoint.Status.APPROVED
            and point["decided_at"]
            and point["decided_at"] < ctx.end
        ):
            bucket["approved"] += 1
            if pk in figures["silent"]:
                bucket["silent"] += 1
            else:
                bucket["active"] += 1
        for kind, value in figures["scans"].get(pk, {}).items():
            bucket[kind] += value
    rows = []
    for unit in ctx.units:
        b = per_unit[unit.pk]
        rows.append(
            [
                unit.name,
                b["registered"],
                b["approved"],
                b["active"],
                b["silent"],
                b["total"],
                b["self_scanned"],
                b["staff_scanned"],
                b["paper"],
                _pct(b["staff_scanned"] + b["paper"], b["total"]),
            ]
        )
    return rows


def build_adoption(ctx: ReportContext) -> SectionData:
    from taskforce import selectors as tf_selectors

    section = SectionData(Section.ADOPTION, str(Section.ADOPTION.label))
    figures = _checkpoint_figures(ctx)
    rows = _district_rows(ctx, figures)
    totals = [sum(r[i] or 0 for r in rows) for i in range(1, 9)]
    headers = [
        _("Địa bàn"),
        _("Điểm đã đăng ký"),
        _("Đã duyệt"),
        _("Đang hoạt động"),
        _("Không có lượt quét"),
        _("Lượt quét trong kỳ"),
        _("Tự quét"),
        _("Cán bộ quét"),
        _("Tờ khai giấy"),
        _("Tỷ lệ cán bộ nhập (%)"),
    ]
    section.tables.append(
        Table(
            key="adoption_by_district",
            title=_("Điểm kiểm dịch và lượt quét theo địa bàn"),
            headers=headers,
            rows=[*rows, [_("Tổng"), *totals, _pct(totals[6] + totals[7], totals[4])]],
            chart_column=5,
            note=_('"Không có lượt quét": điểm đã duyệt không có lượt quét trong %(days)s ngày đến cuối kỳ.')
            % {"days": settings.SILENT_CHECKPOINT_DAYS},
        )
    )
    registered, approved, active, silent, scans, _self_scanned, staff, paper = totals
    section.highlights.append(
        _(
            "%(registered)s điểm kiểm dịch đã đăng ký, %(approved)s đã duyệt, %(active)s đang hoạt động, "
            "%(silent)s không có lượt quét."
        )
        % {"registered": registered, "approved": approved, "active": active, "silent": silent}
    )
    section.highlights.append(
        _("%(scans)s lượt quét trong kỳ; cán bộ quét hoặc nhập tờ khai giấy: %(share)s%%.")
        % {"scans": f"{scans:,}".replace(",", "."), "share": _pct(staff + paper, scans) or 0}
    )

    # Per agency: measured checkpoints and scans beside the usage reports agencies sent.
    per_org: dict[int, dict[str, Any]] = {}
    for pk, point in figures["points"].items():
        org = per_org.setdefault(
            point["organization_id"], {"name": point["organization__name"], "points": 0, "scans": 0}
        )
        org["points"] += 1
        org["scans"] += figures["scans"].get(pk, {}).get("total", 0)
    summary = tf_selectors.adoption_summary(ctx.period_start)
    reports = {row["organization_id"]: row for row in summary["rows"]}
    org_rows = []
    for org_id in sorted(
        set(per_org) | set(reports), key=lambda i: vi_sort_key((per_org.get(i) or reports[i])["name"])
    ):
        measured = per_org.get(org_id, {"points": 0, "scans": 0})
        report = reports.get(org_id)
        org_rows.append(
            [
                (per_org.get(org_id) or reports[org_id])["name"],
                measured["points"],
                measured["scans"],
                (_("Đã gửi") if report and report["reported"] else _("Chưa gửi")) if report else "—",
                report["install_rate"] if report else None,
            ]
        )
    section.tables.append(
        Table(
            key="adoption_by_agency",
            title=_("Theo cơ quan: điểm kiểm dịch, lượt quét và báo cáo sử dụng phần mềm"),
            headers=[
                _("Cơ quan"),
                _("Điểm kiểm dịch"),
                _("Lượt quét trong kỳ"),
                _("Báo cáo tuần %(start)s") % {"start": f"{summary['period_start']:%d/%m}"},
                _("Tỷ lệ cài ứng dụng (%)"),
            ],
            rows=org_rows,
        )
    )
    section.highlights.append(
        _("%(reported)s/%(expected)s cơ quan đã gửi báo cáo sử dụng phần mềm tuần %(start)s.")
        % {
            "reported": summary["reported"],
            "expected": summary["expected"],
            "start": f"{summary['period_start']:%d/%m/%Y}",
        }
    )
    if summary["missing"]:
        section.statements.append(
            _("Chưa gửi báo cáo: %(names)s.") % {"names": ", ".join(m["name"] for m in summary["missing"])}
        )
    from reports.platforms import add_platform_adoption

    add_platform_adoption(section, ctx.period_start)
    return section


def build_taskforce(ctx: ReportContext) -> SectionData:
    from taskforce.models import Assignment, Meeting, Proposal

    section = SectionData(Section.TASKFORCE, str(Section.TASKFORCE.label))
    meetings = list(
        Meeting.objects.filter(starts_at__gte=ctx.start, starts_at__lt=ctx.end)
        .annotate(n_conclusions=Count("conclusions"))
        .order_by("starts_at")
    )
    held = [m for m in meetings if m.status == Meeting.Status.HELD]
    section.tables.append(
        Table(
            key="meetings",
            title=_("Cuộc họp trong kỳ"),
            headers=[_("Ngày"), _("Cuộc họp"), _("Loại"), _("Trạng thái"), _("Số kết luận")],
            rows=[
                [
                    f"{timezone.localtime(m.starts_at):%d/%m/%Y %H:%M}",
                    m.title,
                    m.get_kind_display(),
                    m.get_status_display(),
                    m.n_conclusions,
                ]
                for m in meetings
            ],
        )
    )
    assignments = Assignment.objects.select_related("assignee_member", "assignee_organization")
    created = assignments.filter(created_at__gte=ctx.start, created_at__lt=ctx.end).count()
    done = assignments.filter(completed_at__gte=ctx.start, completed_at__lt=ctx.end).count()
    in_progress = assignments.filter(
        status__in=[Assignment.Status.NEW, Assignment.Status.IN_PROGRESS]
    ).count()
    overdue = list(assignments.filter(status=Assignment.Status.OVERDUE).order_by("due_on", "pk"))
    section.highlights.append(
        _(
            "%(held)s cuộc họp đã tổ chức; %(created)s nhiệm vụ giao mới, %(done)s hoàn thành trong kỳ; "
            "%(in_progress)s đang thực hiện, %(overdue)s quá hạn."
        )
        % {
            "held": len(held),
            "created": created,
            "done": done,
            "in_progress": in_progress,
            "overdue": len(overdue),
        }
    )
    section.tables.append(
        Table(
            key="assignment_counts",
            title=_("Nhiệm vụ"),
            headers=[_("Chỉ tiêu"), _("Số lượng")],
            rows=[
                [_("Giao mới trong kỳ"), created],
                [_("Hoàn thành trong kỳ"), done],
                [_("Đang thực hiện (tại thời điểm lập báo cáo)"), in_progress],
                [_("Quá hạn (tại thời điểm lập báo cáo)"), len(overdue)],
            ],
        )
    )
    section.tables.append(
        Table(
            key="overdue",
            title=_("Nhiệm vụ quá hạn"),
            headers=[_("Nhiệm vụ"), _("Người, cơ quan thực hiện"), _("Hạn"), _("Tiến độ (%)")],
            rows=[
                [
                    a.title,
                    str(a.assignee_member or a.assignee_organization),
                    f"{a.due_on:%d/%m/%Y}",
                    a.progress,
                ]
                for a in overdue
            ],
        )
    )
    proposals = list(
        Proposal.objects.filter(
            Q(submitted_at__gte=ctx.start, submitted_at__lt=ctx.end)
            | Q(decided_at__gte=ctx.start, decided_at__lt=ctx.end)
        )
        .select_related("submitted_by")
        .order_by("submitted_at")
    )
    section.tables.append(
        Table(
            key="proposals",
            title=_("Đề xuất, kiến nghị và ý kiến xử lý của Tổ trưởng"),
            headers=[_("Đề xuất"), _("Người gửi"), _("Ngày gửi"), _("Kết quả xử lý")],
            rows=[
                [
                    p.title,
                    str(p.submitted_by),
                    f"{timezone.localtime(p.submitted_at):%d/%m/%Y}",
                    p.get_status_display(),
                ]
                for p in proposals
            ],
        )
    )
    return section


def build_difficulties(ctx: ReportContext) -> SectionData:
    from taskforce.models import Proposal, UsageReport

    section = SectionData(Section.DIFFICULTIES, str(Section.DIFFICULTIES.label))
    problems = (
        UsageReport.objects.filter(period_start__lte=ctx.period_end, period_end__gte=ctx.period_start)
        .exclude(problems="")
        .select_related("organization")
        .order_by(vi_order("organization__name"), "period_start")
    )
    section.tables.append(
        Table(
            key="problems",
            title=_("Khó khăn, vướng mắc các cơ quan báo cáo"),
            headers=[_("Cơ quan"), _("Tuần"), _("Nội dung")],
            rows=[[r.organization.name, f"{r.period_start:%d/%m/%Y}", r.problems] for r in problems],
        )
    )
    pending = Proposal.objects.filter(
        status__in=[Proposal.Status.OPEN, Proposal.Status.NEEDS_INFO], submitted_at__lt=ctx.end
    ).select_related("submitted_by")
    section.tables.append(
        Table(
            key="open_proposals",
            title=_("Kiến nghị chưa được xử lý xong"),
            headers=[_("Kiến nghị"), _("Người gửi"), _("Trạng thái")],
            rows=[
                [p.title, str(p.submitted_by), p.get_status_display()]
                for p in pending.order_by("submitted_at")
            ],
        )
    )
    return section


BUILDERS: dict[str, Callable[[ReportContext], SectionData]] = {
    Section.EPIDEMIC: build_epidemic,
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
