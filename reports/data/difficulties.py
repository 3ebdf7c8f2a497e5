"""Section: difficulties agencies reported and proposals still open."""

from django.utils.translation import gettext as _

from reports.data.base import ReportContext, SectionData, Table
from reports.models import Section
from taskforce import selectors as tf_selectors


def build_difficulties(ctx: ReportContext) -> SectionData:
    section = SectionData(Section.DIFFICULTIES, str(Section.DIFFICULTIES.label))
    problems = tf_selectors.usage_report_problems(ctx.period_start, ctx.period_end)
    section.tables.append(
        Table(
            key="problems",
            title=_("Khó khăn, vướng mắc các cơ quan báo cáo"),
            headers=[_("Cơ quan"), _("Tuần"), _("Nội dung")],
            rows=[[r.organization.name, f"{r.period_start:%d/%m/%Y}", r.problems] for r in problems],
        )
    )
    pending = tf_selectors.proposals_pending(ctx.end)
    section.facts.update(problems=len(problems), pending_proposals=len(pending))
    section.tables.append(
        Table(
            key="open_proposals",
            title=_("Kiến nghị chưa được xử lý xong"),
            headers=[_("Kiến nghị"), _("Người gửi"), _("Trạng thái")],
            rows=[[p.title, str(p.submitted_by), p.get_status_display()] for p in pending],
        )
    )
    return section
