"""The parts of the report that Decree 30/2020/NĐ-CP (công tác văn thư, Appendix I) fixes:
place and date, the recipients list ("Nơi nhận") and the signer's block. The layout is in
``templates/reports/report_pdf.html``; this module only supplies the words."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.models import ReportRecipient


def date_line(place: str, day: datetime.date) -> str:
    """ "Thanh Hóa, ngày 07 tháng 9 năm 2021": days under 10 and the months January and
    February take a leading zero (Decree 30, Appendix I, section II.5.b)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def recipients(province: str) -> list[str]:
    """ "Nơi nhận": the chairman (to whom the report is made), every active email recipient,
    the members, and the archive copy ("Lưu: VT, TCN")."""
    lines = [_("Chủ tịch UBND tỉnh %(province)s (để b/c);") % {"province": province}]
    lines += [f"{r.name};" for r in ReportRecipient.objects.filter(is_active=True).order_by("name")]
    lines.append(_("Thành viên Tổ công nghệ;"))
    lines.append(_("Lưu: VT, TCN."))
    return lines


@dataclass
class Signer:
    title: str
    name: str


def signer(on: datetime.date) -> Signer:
    """The task force's leader on the report's date (``taskforce.selectors.active_leader``)."""
    from taskforce import selectors as tf_selectors

    leader = tf_selectors.active_leader(on)
    return Signer(
        title=_("TỔ TRƯỞNG"),
        name=leader.full_name if leader else _("(chưa có Tổ trưởng đương nhiệm)"),
    )
