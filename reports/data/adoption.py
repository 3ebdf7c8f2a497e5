"""Section: adoption of the checkpoints (per district, per agency beside their usage reports)."""

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from checkpoints import selectors as cp_selectors
from checkpoints.selectors import SCAN_COUNTS
from core.collation import vi_sort_key
from reports import formatting
from reports.data.base import ReportContext, SectionData, Table, pct
from reports.data.figures import checkpoint_figures
from reports.data.platforms import add_platform_adoption
from reports.models import Section
from taskforce import selectors as tf_selectors


def _district_rows(ctx: ReportContext, figures: dict[str, Any]) -> list[list[Any]]:
    per_unit: dict[int, dict[str, int]] = {
        u.pk: dict.fromkeys(("registered", "approved", "active", "silent", *SCAN_COUNTS), 0)
        for u in ctx.units
    }
    for pk, point in figures["points"].items():
        bucket = per_unit[figures["unit_of"][point["unit_id"]]]
        bucket["registered"] += 1
        if point["approved"] and point["decided_at"] and point["decided_at"] < ctx.end:
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
                pct(b["staff_scanned"] + b["paper"], b["total"]),
            ]
        )
    return rows


def _last_scan(row: dict[str, Any]) -> str:
    if row["last_scan"]:
        return f"{timezone.localtime(row['last_scan']):%d/%m/%Y}"
    if row["last_day"]:
        return f"{row['last_day']:%d/%m/%Y}"
    return str(_("Chưa có lượt quét nào"))


def _silent_table(ctx: ReportContext, figures: dict[str, Any]) -> Table:
    """The silent checkpoints named, so agencies can act (issue 13, point 5)."""
    rows = cp_selectors.silent_checkpoints_named(user=None, now=ctx.end, among=figures["silent"])
    return Table(
        key="silent_checkpoints",
        title=_("Điểm kiểm dịch không có lượt quét"),
        headers=[_("Tên điểm"), _("Cơ quan quản lý"), _("Địa bàn"), _("Lượt quét gần nhất")],
        rows=[
            [
                r["name"],
                r["organization"]
                if r["organization_reachable"]
                else _("%(name)s (không nhắc được: chưa có email liên hệ)") % {"name": r["organization"]},
                r["unit"],
                _last_scan(r),
            ]
            for r in rows
        ],
        note=_("Không có điểm nào.") if not rows else "",
    )


def build_adoption(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.ADOPTION, str(Section.ADOPTION.label))
    figures = checkpoint_figures(ctx)
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
            rows=[*rows, [_("Tổng"), *totals, pct(totals[6] + totals[7], totals[4])]],
            chart_column=5,
            idle_rows={i for i, r in enumerate(rows) if not r[1] and not r[5]},
            note=_('"Không có lượt quét": điểm đã duyệt không có lượt quét trong %(days)s ngày đến cuối kỳ.')
            % {"days": settings.SILENT_CHECKPOINT_DAYS},
        )
    )
    registered, approved, active, silent, scans, _self_scanned, staff, paper = totals
    section.facts.update(registered=registered, approved=approved, active=active, silent=silent, scans=scans)
    section.highlights.append(
        _(
            "%(registered)s điểm kiểm dịch đã đăng ký, %(approved)s đã duyệt, %(active)s đang hoạt động, "
            "%(silent)s không có lượt quét."
        )
        % {"registered": registered, "approved": approved, "active": active, "silent": silent}
    )
    section.highlights.append(
        _("%(scans)s lượt quét trong kỳ; cán bộ quét hoặc nhập tờ khai giấy: %(share)s%%.")
        % {"scans": formatting.thousands(scans), "share": pct(staff + paper, scans) or 0}
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
            # Agencies with no checkpoint, no scan and no usage report are named in the
            # "not sent" statement below; the table folds them.
            idle_rows={i for i, r in enumerate(org_rows) if not r[1] and not r[2] and r[4] is None},
        )
    )
    section.tables.append(_silent_table(ctx, figures))
    section.highlights.append(
        _("%(reported)s/%(expected)s cơ quan đã gửi báo cáo sử dụng phần mềm tuần %(start)s.")
        % {
            "reported": summary["reported"],
            "expected": summary["expected"],
            "start": f"{summary['period_start']:%d/%m/%Y}",
        }
    )
    section.facts.update(
        reported=summary["reported"],
        expected=summary["expected"],
        missing=[m["name"] for m in summary["missing"]],
    )
    if summary["missing"]:
        section.statements.append(
            _("Chưa gửi báo cáo: %(names)s.") % {"names": ", ".join(m["name"] for m in summary["missing"])}
        )
    add_platform_adoption(section, ctx.period_start)
    return section
