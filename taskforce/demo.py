"""Demo data: the Thanh Hóa task force as founded by Decision 3019/QĐ-UBND (10/8/2021).

Names, positions, organizations and roles come from the decision's text (docs/domain.md §10,
S4, an unsigned draft: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH Đầu Thanh Tùng"); its number and date from the
news report (S1, which says the chairman issued it). Phones and emails are not in
the documents: they are demo placeholders, flagged ``contact_is_demo``. Minutes, assignments,
proposals and usage figures are illustrations, marked as such. Safe to run twice.
"""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.actors import DEMO
from core.models import Organization
from taskforce import selectors, services
from taskforce.models import Assignment, Attendance, Decision, Meeting, Member, Platform, Proposal

NUMBER = "3019/QĐ-UBND"
SIGNED = datetime.date(2021, 8, 10)

DUTIES_MEMBER = (
    "Chủ động tham mưu các nhiệm vụ, giải pháp nhằm đẩy mạnh ứng dụng công nghệ thông tin một cách hiệu quả "
    "trong phòng, chống dịch Covid-19 trên địa bàn tỉnh; "
    "nghiên cứu, đóng góp ý kiến chuyên môn; thực hiện các "
    "nhiệm vụ do Tổ trưởng phân công; tham gia đầy đủ các cuộc họp của Tổ khi có thông báo mời họp."
)
DUTIES_TELECOM = DUTIES_MEMBER + (
    " Hỗ trợ cài đặt, ứng dụng các giải pháp công nghệ thông tin trên địa bàn các huyện, thị xã, thành phố."
)
DUTIES_LEADER = (
    "Chỉ đạo, điều hành hoạt động chung của Tổ công nghệ; "
    "phân công nhiệm vụ đối với Tổ phó và các thành viên; "
    "chỉ đạo quản lý, vận hành, giám sát, bảo đảm an "
    "toàn, an ninh mạng cho các phần mềm, ứng dụng phòng, chống "
    "dịch; triệu tập và chủ trì các cuộc họp của Tổ; xử lý các đề xuất, kiến nghị của các thành viên."
)
DUTIES_HOANG = (
    "Tham mưu cho Chủ tịch UBND tỉnh chỉ đạo các đơn vị "
    "triển khai các giải pháp, ứng dụng CNTT phục vụ phòng, "
    "chống dịch; kiểm tra, đôn đốc, nhắc nhở các đơn vị; "
    "báo cáo Chủ tịch UBND tỉnh về kết quả triển khai; chỉ "
    "đạo cài đặt, ứng dụng CNTT tại Văn phòng UBND tỉnh; nhiệm vụ khác theo phân công của Tổ trưởng."
)
DUTIES_CAN = (
    "Chỉ đạo triển khai các ứng dụng CNTT phòng, chống "
    "dịch trong ngành Y tế; đầu mối cung cấp, cập nhật, khai "
    "thác dữ liệu từ các nền tảng; báo cáo định kỳ, đột "
    "xuất về tình hình sử dụng các giải pháp công nghệ về cơ "
    "quan thường trực; nhiệm vụ khác theo phân công của Tổ trưởng."
)

# order, name, organization short name, position, role, responsibilities, demo account
MEMBERS = [
    (
        1,
        "Nguyễn Văn Tước",
        "STTTT",
        "Phó Giám đốc Sở Thông tin và Truyền thông",
        "leader",
        DUTIES_LEADER,
        "leader",
    ),
    (2, "Mai Công Hoàng", "VPUBND", "Phó Chánh Văn phòng UBND tỉnh", "deputy", DUTIES_HOANG, "deputy"),
    (3, "Nguyễn Bá Cẩn", "SYT", "Phó Giám đốc Sở Y tế", "deputy", DUTIES_CAN, None),
    (4, "Nguyễn Xuân Vĩnh", "VNPT", "Phó Giám đốc VNPT Thanh Hóa", "member", DUTIES_TELECOM, None),
    (
        5,
        "Đào Hồng Ánh",
        "Viettel",
        "Phó Giám đốc Giải pháp CNTT, Chi nhánh Viettel Thanh Hóa",
        "member",
        DUTIES_TELECOM,
        None,
    ),
    (6, "Hoàng Viết Phương", "MobiFone", "Phó Giám đốc MobiFone Thanh Hóa", "member", DUTIES_TELECOM, None),
    (7, "Trịnh Phương Nam", "BĐT", "Phó Giám đốc Bưu điện tỉnh Thanh Hóa", "member", DUTIES_TELECOM, None),
    (
        8,
        "Đỗ Kiên",
        "STTTT",
        "Trưởng phòng Quản lý CNTT, Sở Thông tin và Truyền thông",
        "member",
        DUTIES_MEMBER,
        "member",
    ),
    (
        9,
        "Trần Cao Nguyên",
        "VPTU",
        "Trưởng phòng Cơ yếu và CNTT, Văn phòng Tỉnh ủy",
        "member",
        DUTIES_MEMBER,
        None,
    ),
    (
        10,
        "Phạm Văn Cường",
        "VPUBND",
        "Phó Trưởng phòng Quản lý Cổng TTĐT và CNTT, Văn phòng UBND tỉnh",
        "member",
        DUTIES_MEMBER,
        None,
    ),
    (
        11,
        "Lê Xuân Lâm",
        "TTCNTT",
        "Giám đốc Trung tâm CNTT&TT, Sở Thông tin và Truyền thông",
        "member",
        DUTIES_MEMBER,
        None,
    ),
    (
        12,
        "Trần Ngọc Hưng",
        "TTCNTT",
        "Phó Giám đốc Trung tâm CNTT&TT, Sở Thông tin và Truyền thông",
        "member",
        DUTIES_MEMBER,
        None,
    ),
    (
        13,
        "Dương Ngọc Tuấn",
        "SYT",
        "Chuyên viên phòng Kế hoạch - Tài chính, Sở Y tế",
        "member",
        DUTIES_MEMBER,
        None,
    ),
    (14, "Nguyễn Hữu Phước", "SYT", "Chuyên viên phòng Nghiệp vụ y, Sở Y tế", "member", DUTIES_MEMBER, None),
    (
        15,
        "Hoàng Bình Yên",
        "CDC",
        "Phó Giám đốc Trung tâm Kiểm soát bệnh tật tỉnh",
        "member",
        DUTIES_MEMBER,
        None,
    ),
    (
        16,
        "Lê Hoài Văn",
        "CDC",
        "Trưởng khoa Truyền thông giáo dục sức khỏe, Trung tâm Kiểm soát bệnh tật tỉnh",
        "member",
        DUTIES_MEMBER,
        None,
    ),
]

DECISION_NOTES = (
    "Số hiệu và ngày ban hành theo bản tin báo Dân sinh "
    '(09/12/2021): "Ngày 10/8, Chủ tịch UBND tỉnh ban hành '
    'Quyết định số 3019/QĐ-UBND". Thành phần, nhiệm vụ '
    "theo dự thảo quyết định chưa ghi số, ngày; dự thảo ghi "
    'ký thay: "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH Đầu Thanh Tùng". Chưa đối chiếu được bản đã ký; hiệu lực kể từ '
    "ngày ký (Điều 4)."
)


def load(*, stdout: Any) -> None:
    if Decision.objects.filter(number=NUMBER).exists():
        stdout.write("taskforce: demo data already present")
        return
    with transaction.atomic():
        _load()
    stdout.write(
        "taskforce: Decision 3019/QĐ-UBND, 16 members, meetings, assignments, proposals, usage reports"
    )


def _load() -> None:
    User = get_user_model()
    orgs = {o.short_name: o for o in Organization.objects.exclude(short_name="")}
    decision = services.decision_record(
        actor=DEMO,
        number=NUMBER,
        title="Về việc thành lập Tổ công nghệ phòng, chống dịch Covid-19 tỉnh Thanh Hóa",
        signed_on=SIGNED,
        signer_name="Đầu Thanh Tùng",
        signer_title="KT. Chủ tịch, Phó Chủ tịch UBND tỉnh",
        effective_from=SIGNED,
        notes=DECISION_NOTES,
    )
    members: dict[int, Member] = {}
    for order, name, org, position, role, duties, username in MEMBERS:
        members[order] = services.member_appoint(
            actor=DEMO,
            decision=decision,
            active_from=SIGNED,
            full_name=name,
            honorific="Ông",
            organization=orgs[org],
            position_title=position,
            role=role,
            responsibilities=duties,
            phone=f"0900 000 {order:03d}",
            email=f"thanhvien{order:02d}.demo@example.invalid",
            contact_is_demo=True,
            user=User.objects.filter(username=username).first() if username else None,
            order=order,
        )
    services.member_delegate(actor=DEMO, member=members[2], may_assign=True)

    # Weekly meetings from the founding (illustrative minutes), and an ad-hoc one next week.
    series = services.meeting_series_create(
        actor=DEMO,
        title="Họp giao ban Tổ công nghệ",
        weekday=0,
        start_time=datetime.time(8, 0),
        starts_on=datetime.date(2021, 8, 16),
        ends_on=datetime.date(2021, 9, 27),
        location="Phòng họp Sở Thông tin và Truyền thông",
    )
    first = series.meetings.order_by("starts_at").first()
    assert first is not None
    services.meeting_agenda_add(
        actor=DEMO, meeting=first, title="Triển khai 4 nền tảng theo Công văn 2790/BTTTT-THH"
    )
    services.meeting_agenda_add(
        actor=DEMO, meeting=first, title="Đăng ký điểm kiểm dịch, quét mã QR tại trụ sở"
    )
    entries = [
        services.AttendanceEntry(member_id=m.pk, status=Attendance.Status.PRESENT) for m in members.values()
    ]
    entries[6] = services.AttendanceEntry(
        member_id=members[7].pk,
        status=Attendance.Status.DELEGATE,
        delegate_name="Cán bộ Bưu điện tỉnh (minh họa)",
    )
    entries[12] = services.AttendanceEntry(
        member_id=members[13].pk, status=Attendance.Status.EXCUSED, note="Công tác"
    )
    entries[15] = services.AttendanceEntry(member_id=members[16].pk, status=Attendance.Status.ABSENT)
    services.meeting_attendance_record(actor=DEMO, meeting=first, entries=entries)
    services.meeting_minutes_record(
        actor=DEMO,
        meeting=first,
        minutes=(
            "(Biên bản minh họa) Tổ trưởng Nguyễn Văn Tước "
            "chủ trì. Tổ thống nhất triển khai các nền tảng "
            "khai báo y tế, quét mã QR, xét nghiệm, tiêm chủng "
            "và cổng thông tin; giao các thành viên theo kết luận."
        ),
    )
    qr = services.meeting_conclusion_add(
        actor=DEMO,
        meeting=first,
        text="Các sở, ban, ngành và UBND các huyện đăng ký điểm kiểm dịch, quét mã QR tại trụ sở; Sở TT&TT "
        "hướng dẫn, các doanh nghiệp viễn thông hỗ trợ cài đặt.",
    )
    services.meeting_conclusion_add(
        actor=DEMO,
        meeting=first,
        text="Sở Y tế là đầu mối khai thác dữ liệu từ nền tảng xét nghiệm và tiêm chủng.",
    )
    services.conclusion_assign(
        actor=DEMO,
        conclusion=qr,
        title="Hỗ trợ cài đặt, đăng ký điểm kiểm dịch tại các huyện",
        assignee_members=[members[4], members[5], members[6]],
        due_on=datetime.date(2021, 8, 31),
        backdated=True,
        priority=Assignment.Priority.HIGH,
    )
    for meeting in series.meetings.exclude(pk=first.pk).filter(starts_at__lt=timezone.now()):
        services.meeting_attendance_record(
            actor=DEMO,
            meeting=meeting,
            entries=[
                services.AttendanceEntry(member_id=a.member_id, status="present")
                for a in meeting.attendances.all()
            ],
        )
        services.meeting_minutes_record(
            actor=DEMO,
            meeting=meeting,
            minutes="(Biên bản minh họa) Các thành viên báo cáo tiến độ nhiệm vụ.",
        )

    today = selectors.today()
    soon = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=3), datetime.time(14, 0))
    )
    services.meeting_schedule(
        actor=DEMO,
        title="Họp đột xuất: rà soát điểm kiểm dịch chưa có lượt quét (minh họa)",
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=1),
        location="Trực tuyến",
        agenda=["Danh sách điểm kiểm dịch không có lượt quét trong tuần", "Phân công kiểm tra"],
    )

    # Assignments in every status (dates relative to today so the demo stays current).
    leader_user = User.objects.filter(username="leader").first()
    done = Assignment.objects.filter(conclusion=qr).first()
    assert done is not None
    services.assignment_progress(
        actor=DEMO, assignment=done, text="(minh họa) Đã hỗ trợ 27 huyện đăng ký.", status="done"
    )
    chairman = services.assignment_create(
        actor=DEMO,
        title="Hướng dẫn cán bộ cài đặt Bluezone, Smart Thanh Hóa và khai báo y tế điện tử",
        description="Theo Công văn 13341/UBND-CNTT của Chủ tịch UBND tỉnh về đẩy mạnh ứng dụng CNTT.",
        assignee_organization=orgs["STTTT"],
        due_on=today + datetime.timedelta(days=10),
        priority=Assignment.Priority.URGENT,
        source=Assignment.Source.CHAIRMAN,
        source_reference="Công văn 13341/UBND-CNTT",
    )
    services.assignment_progress(
        actor=leader_user or DEMO,
        assignment=chairman,
        text="(minh họa) Đã gửi hướng dẫn tới 15 sở.",
        status="in_progress",
        progress=40,
    )
    services.assignment_create(
        actor=DEMO,
        title="Tổng hợp báo cáo tuần về tình hình sử dụng phần mềm",
        assignee_member=members[8],
        due_on=today + datetime.timedelta(days=5),
    )
    services.assignment_create(
        actor=DEMO,
        title="Cung cấp dữ liệu tiêm chủng cho cơ quan thường trực",
        assignee_member=members[3],
        due_on=today - datetime.timedelta(days=3),
        backdated=True,
        priority=Assignment.Priority.HIGH,
    )
    cancelled = services.assignment_create(
        actor=DEMO,
        title="Khảo sát phần mềm đánh giá nguy cơ trong doanh nghiệp (thay bằng nền tảng quốc gia)",
        assignee_member=members[11],
        due_on=today + datetime.timedelta(days=20),
        priority=Assignment.Priority.LOW,
    )
    services.assignment_progress(
        actor=DEMO, assignment=cancelled, text="(minh họa) Không triển khai nữa.", status="cancelled"
    )
    services.assignments_mark_overdue(actor=DEMO)

    # Two proposals: one accepted with its assignment, one waiting.
    member_user = User.objects.filter(username="member").first()
    if member_user is not None:
        accepted = services.proposal_submit(
            actor=member_user,
            title="Đề xuất dùng chung danh sách điểm kiểm dịch giữa các huyện",
            body=(
                "(minh họa) Đề nghị Sở TT&TT công bố danh sách "
                "điểm kiểm dịch đã đăng ký để các huyện rà soát."
            ),
        )
        services.proposal_decide(
            actor=DEMO,
            proposal=accepted,
            status=Proposal.Status.ACCEPTED,
            response="Đồng ý, giao TTCNTT thực hiện.",
        )
        services.assignment_create(
            actor=DEMO,
            title="Công bố danh sách điểm kiểm dịch đã đăng ký",
            assignee_organization=orgs["TTCNTT"],
            due_on=today + datetime.timedelta(days=7),
            proposal=accepted,
        )
        services.proposal_submit(
            actor=member_user,
            title="Kiến nghị bổ sung tổng đài hỗ trợ cài đặt PC-Covid",
            body=(
                "(minh họa) Nhiều cán bộ lớn tuổi chưa cài được "
                "ứng dụng; đề nghị các nhà mạng mở tổng đài hỗ trợ."
            ),
        )

    # Last week's usage reports from some agencies (demo figures); the rest have not reported.
    last_week = today - datetime.timedelta(days=7)
    platforms = list(Platform.objects.filter(code__in=["qr-declaration", "pc-covid-bluezone", "vaccination"]))
    for index, short in enumerate(["STTTT", "SYT", "CDC", "VPUBND"]):
        staff = 60 + 25 * index
        services.usage_report_submit(
            actor=DEMO,
            organization=orgs[short],
            period_start=last_week,
            staff_count=staff,
            staff_with_app=staff - 5 - 3 * index,
            checkpoints_registered=1 + index,
            scans_in_period=300 + 120 * index,
            problems="(minh họa) Một số cán bộ chưa có điện thoại thông minh." if index == 1 else "",
            platforms=platforms,
            is_demo=True,
        )
    assert Meeting.objects.exists()
