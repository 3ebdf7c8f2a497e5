"""Section: the task force's work (meetings, assignments, proposals)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.data.base import ReportContext, SectionData, Table
from reports.models import Section
from taskforce import selectors as tf_selectors


def build_taskforce(ctx: ReportContext) -> SectionData:
    from taskforce.models import Meeting  # its status names only; reads go through the selectors

    section = SectionData(Section.TASKFORCE, str(Section.TASKFORCE.label))
    meetings = tf_selectors.meetings_in_period(ctx.start, ctx.end)
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
    assignments = tf_selectors.assignment_figures(ctx.start, ctx.end)
    created, done = assignments["created"], assignments["done"]
    in_progress, overdue = assignments["in_progress"], assignments["overdue"]
    section.facts.update(held=len(held), created=created, done=done, overdue=len(overdue))
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
    proposals = tf_selectors.proposals_in_period(ctx.start, ctx.end)
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
