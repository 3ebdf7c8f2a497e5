"""Section: the epidemic levels (docs/epidemic.md) — the level each unit's People's Committee
declared, in force at the end of the period, beside the proposal of the last week assessed in
it, and the changes of declared level during the period. Read from ``epidemic.selectors``; the
dashboard's levels come from the same selectors."""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from core import selectors as core_selectors
from reports.data.base import ReportContext, SectionData, Table
from reports.models import Section


def build_levels(ctx: ReportContext) -> SectionData:
    from epidemic import selectors as epidemic

    section = SectionData(Section.LEVELS, str(Section.LEVELS.label))
    province = core_selectors.province_unit()
    units = [province, *ctx.units]
    declared = epidemic.declared_in_force(ctx.period_end, [u.pk for u in units])
    week = epidemic.monday(ctx.period_end - datetime.timedelta(days=6))  # the last full week in it
    proposals = epidemic.assessments(week)
    rows: list[list[Any]] = []
    for unit in units:
        d, p = declared.get(unit.pk), proposals.get(unit.pk)
        rows.append(
            [
                unit.name,
                d.level if d else None,
                f"{d.decision_number} ({d.decision_date:%d/%m/%Y})" if d else "—",
                p.level if p else None,
                float(p.rate) if p and p.rate is not None else None,
            ]
        )
    section.tables.append(
        Table(
            key="levels",
            title=_("Cấp độ dịch theo địa bàn"),
            headers=[
                _("Địa bàn"),
                _("Cấp độ đã công bố"),
                _("Quyết định"),
                _("Cấp độ đề xuất (tuần từ %(week)s)") % {"week": f"{week:%d/%m/%Y}"},
                _("Ca mới tại cộng đồng/100.000 dân/tuần"),
            ],
            rows=rows,
            note=_(
                "Cấp độ đề xuất do hệ thống tính từ ba tiêu chí (Nghị quyết 128/NQ-CP); "
                "chỉ cấp đã công bố có hiệu lực."
            ),
        )
    )
    changes = epidemic.declared_changes(ctx.period_start, ctx.period_end)
    in_report = {u.pk for u in units}
    change_rows: list[list[Any]] = []
    for change in changes:
        if change.unit_id not in in_report:
            continue
        before = epidemic.declared_in_force(
            change.effective_from - datetime.timedelta(days=1), [change.unit_id]
        )
        previous = before.get(change.unit_id)
        change_rows.append(
            [
                change.unit.name,
                previous.level if previous else None,
                change.level,
                f"{change.decision_number} ({change.decision_date:%d/%m/%Y})",
                f"{change.effective_from:%d/%m/%Y}",
            ]
        )
    section.tables.append(
        Table(
            key="level_changes",
            title=_("Thay đổi cấp độ trong kỳ"),
            headers=[_("Địa bàn"), _("Từ cấp"), _("Sang cấp"), _("Quyết định"), _("Áp dụng từ")],
            rows=change_rows,
        )
    )
    high = sum(1 for r in rows[1:] if r[1] in (3, 4))
    section.highlights.append(
        _("%(changes)s địa bàn thay đổi cấp độ dịch trong kỳ; %(high)s địa bàn ở cấp 3 hoặc 4.")
        % {"changes": len(change_rows), "high": high}
    )
    differs = [r[0] for r in rows if r[1] and r[3] and r[1] != r[3]]
    if differs:
        section.statements.append(
            _("Cấp độ đề xuất khác cấp độ đã công bố ở: %(units)s.") % {"units": ", ".join(differs)}
        )
    section.facts["level_changes"] = len(change_rows)
    return section
