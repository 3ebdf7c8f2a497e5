"""The first page of the report: what went well, what did not, what the task force proposes.

Judged from the figures the sections collected (``SectionData.facts``), never from text: a
section left out of the report adds nothing here. Platforms not built yet are named by the
summary's statements (``sections.build_summary``), shown on the same page. Thresholds are
the task force's working rules, stated in the sentences themselves so the chairman can see why a
line is there.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from reports import formatting
from reports.data.base import SectionData, pct
from reports.models import Section

# At or above this share of agencies reporting, reporting counts as going well.
GOOD_REPORTING_RATE = 80.0


def assess(summary: SectionData, sections: list[SectionData]) -> None:
    facts = {s.key: s.facts for s in sections}
    if Section.ADOPTION in facts:
        _reporting(summary, facts[Section.ADOPTION])
        _checkpoints(summary, facts[Section.ADOPTION])
    if Section.TASKFORCE in facts:
        _assignments(summary, facts[Section.TASKFORCE])
    if Section.DIFFICULTIES in facts:
        _proposals(summary, facts[Section.DIFFICULTIES])
    if not summary.went_well:
        summary.went_well.append(_("Chưa có kết quả nổi bật trong kỳ."))
    if not summary.went_badly:
        summary.went_badly.append(_("Không có tồn tại đáng kể trong kỳ."))
    if not summary.proposals:
        summary.proposals.append(_("Không có kiến nghị mới trong kỳ."))


def _reporting(summary: SectionData, f: dict[str, Any]) -> None:
    if not f.get("expected"):
        return
    rate = pct(f["reported"], f["expected"]) or 0.0
    line = _("%(reported)s/%(expected)s cơ quan đã gửi báo cáo sử dụng phần mềm (%(rate)s%%).") % {
        "reported": f["reported"],
        "expected": f["expected"],
        "rate": formatting.format_cell(rate)[0],
    }
    if rate >= GOOD_REPORTING_RATE:
        summary.went_well.append(line)
    else:
        summary.went_badly.append(line)
    if f["missing"]:
        names = ", ".join(f["missing"][:5])
        if len(f["missing"]) > 5:
            names += _(" và %(more)s cơ quan khác") % {"more": len(f["missing"]) - 5}
        summary.proposals.append(
            _("Đề nghị UBND tỉnh nhắc %(count)s cơ quan chưa gửi báo cáo: %(names)s.")
            % {"count": len(f["missing"]), "names": names}
        )


def _checkpoints(summary: SectionData, f: dict[str, Any]) -> None:
    if f.get("approved"):
        summary.went_well.append(
            _("%(active)s/%(approved)s điểm kiểm dịch đã duyệt có lượt quét; %(scans)s lượt quét trong kỳ.")
            % {"active": f["active"], "approved": f["approved"], "scans": f["scans"]}
        )
    if f.get("silent"):
        summary.went_badly.append(
            _("%(silent)s điểm kiểm dịch đã duyệt không có lượt quét trong %(days)s ngày.")
            % {"silent": f["silent"], "days": settings.SILENT_CHECKPOINT_DAYS}
        )
        summary.proposals.append(
            _(
                "Đề nghị các cơ quan quản lý %(silent)s điểm kiểm dịch không có lượt quét kiểm tra, "
                "khắc phục hoặc đóng điểm."
            )
            % {"silent": f["silent"]}
        )


def _assignments(summary: SectionData, f: dict[str, Any]) -> None:
    if f.get("done"):
        summary.went_well.append(_("%(done)s nhiệm vụ hoàn thành trong kỳ.") % {"done": f["done"]})
    if f.get("overdue"):
        summary.went_badly.append(_("%(overdue)s nhiệm vụ quá hạn.") % {"overdue": f["overdue"]})
        summary.proposals.append(
            _("Tổ trưởng đôn đốc hoàn thành %(overdue)s nhiệm vụ quá hạn.") % {"overdue": f["overdue"]}
        )


def _proposals(summary: SectionData, f: dict[str, Any]) -> None:
    if f.get("pending_proposals"):
        summary.went_badly.append(
            _("%(count)s kiến nghị chưa được xử lý xong.") % {"count": f["pending_proposals"]}
        )
        summary.proposals.append(
            _(
                "Đề nghị Chủ tịch UBND tỉnh cho ý kiến về %(count)s kiến nghị chưa xử lý xong "
                "(mục Khó khăn, kiến nghị)."
            )
            % {"count": f["pending_proposals"]}
        )
