"""Staff register a list into a session (issue 19 point 3): found or created without
overwriting, booked up to the capacity (the rest reported, not booked, not created), one wrong
row refuses the list with Vietnamese row messages, audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from core import services as core_services
from core.itemerrors import ItemErrors
from core.models import AuditLog, Person
from core.roles import Role
from tests.actors import SYSTEM
from tests.core.fixtures import person_data
from tests.vaccination.conftest import vaccine
from vaccination import intake, services
from vaccination.models import Appointment, Session

URL = "/portal/vaccination/dang-ky-danh-sach/"
ELDERLY = """Họ tên;Ngày sinh;Điện thoại;CCCD
Nguyễn Thị Lan;03/02/1948;0912000001;
Trần Văn Minh;1945;;038045000002
Lê Thị Hoa;12/12/1950;0912000003;038050000003
"""


def session_at(site, capacity=10, date=None):
    return services.session_create(
        actor=SYSTEM, site=site, date=date or timezone.localdate(), vaccine=vaccine(), capacity=capacity
    )


def snapshot():
    return (
        AuditLog.objects.count(),
        Person.objects.count(),
        Appointment.objects.count(),
        list(Session.objects.values_list("booked", flat=True)),
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_a_list_is_booked_and_people_found_are_never_overwritten(staff_client, site):
    session = session_at(site)
    existing = core_services.person_create(
        actor=SYSTEM,
        data=person_data(
            full_name="Nguyễn Thị Lan",
            date_of_birth=datetime.date(1948, 2, 3),
            phone="0912000001",
            id_number="",
            address_line="Thôn 3",
        ),
    )
    response = staff_client.post(URL, {"session": session.pk, "lines": ELDERLY})
    assert response.status_code == 200, response.content.decode()[:2000]
    result = response.context["result"]
    assert len(result.booked) == 3 and result.created == 2 and not result.over_capacity
    existing.refresh_from_db()
    assert existing.address_line == "Thôn 3" and existing.full_name == "Nguyễn Thị Lan"
    assert Appointment.objects.filter(session=session, channel="staff").count() == 3
    session.refresh_from_db()
    assert session.booked == 3
    assert AuditLog.objects.filter(action="appointment.book").count() == 3
    assert AuditLog.objects.filter(action="person.create").count() == 3  # the existing one + 2
    read = AuditLog.objects.get(action="person.read", reason="vaccination.register_list")
    assert len(read.target_ids) == 3
    # The same list again: everyone already booked, nothing new.
    again = staff_client.post(URL, {"session": session.pk, "lines": ELDERLY}).context["result"]
    assert [n for n, _p in again.already] == [1, 2, 3] and not again.booked
    assert Person.objects.count() == 3


def test_capacity_is_never_exceeded_those_beyond_are_reported_not_booked(staff_client, site):
    session = session_at(site, capacity=3)
    someone = core_services.person_create(actor=SYSTEM, data=person_data())
    services.appointment_book(actor=SYSTEM, session=session, person=someone)  # 2 places left
    response = staff_client.post(URL, {"session": session.pk, "lines": ELDERLY})
    result = response.context["result"]
    assert [a.person.full_name for a in result.booked] == ["Nguyễn Thị Lan", "Trần Văn Minh"]
    assert result.over_capacity == [(3, "Lê Thị Hoa")]
    assert "Buổi tiêm đã đủ chỗ" in response.content.decode()
    session.refresh_from_db()
    assert session.booked == session.capacity == 3
    assert not Person.objects.filter(full_name="Lê Thị Hoa").exists()  # not booked, not recorded


def test_one_wrong_row_refuses_the_list_with_row_messages(staff_client, site):
    session = session_at(site)
    before = snapshot()
    text = (
        ELDERLY
        + "Phạm Văn Tư;31/02/1950;0912000004;\nVõ Thị Năm;1951;;\nNguyễn Thị Lan;03/02/1948;0912000001;\n"
    )
    response = staff_client.post(URL, {"session": session.pk, "lines": text})
    assert response.status_code == 400
    assert response.context["errors"] == [
        "Dòng 4: ngày sinh “31/02/1950” không đọc được (ngày/tháng/năm, hoặc năm sinh).",
        "Dòng 5: cần số điện thoại hoặc số giấy tờ để tìm đúng người.",
        "Dòng 6: trùng người ở dòng 1.",
    ]
    assert "Phạm Văn Tư;31/02/1950" in response.content.decode()  # what was typed stays
    assert snapshot() == before


def test_an_uploaded_file_is_read_like_a_pasted_list(staff_client, site):
    session = session_at(site)
    upload = SimpleUploadedFile("ds.csv", ("\ufeff" + ELDERLY.replace(";", ",")).encode(), "text/csv")
    response = staff_client.post(URL, {"session": session.pk, "upload": upload})
    assert response.status_code == 200 and len(response.context["result"].booked) == 3
    bad = SimpleUploadedFile("ds.csv", "Nguyễn;1950".encode("utf-16"), "text/csv")
    response = staff_client.post(URL, {"session": session.pk, "upload": bad})
    assert response.status_code == 400 and "UTF-8" in response.content.decode()


def test_only_staff_of_the_sessions_units_register(client, make_user, site, other_site, staff, sam_son):
    far = session_at(other_site)
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    client.force_login(staff)  # Đông Sơn staff: the Sầm Sơn session is not offered, nor accepted
    page = client.get(URL)
    assert page.status_code == 200 and far not in page.context["form"].fields["session"].queryset
    before = snapshot()
    assert client.post(URL, {"session": far.pk, "lines": ELDERLY}).status_code == 400
    with pytest.raises(Http404):
        intake.register_list(actor=staff, session=far, rows=intake.split_lines(ELDERLY))
    client.force_login(leader)
    assert client.post(URL, {"session": far.pk, "lines": ELDERLY}).status_code == 403
    assert snapshot() == before


def test_a_closed_or_past_session_refuses_the_list(site):
    past = session_at(site)
    Session.objects.filter(pk=past.pk).update(date=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="kết thúc"):
        intake.register_list(actor=SYSTEM, session=past, rows=intake.split_lines(ELDERLY))


def test_parse_rows_names_each_wrong_row():
    with pytest.raises(ItemErrors) as exc:
        intake.parse_rows([["", "1950", "0912000001"], ["Ba", "", "0912000002"], ["Bốn", "1950", "12"]])
    assert exc.value.messages == [
        "Dòng 1: Vui lòng nhập họ và tên.",
        "Dòng 2: thiếu ngày sinh hoặc năm sinh.",
        "Dòng 3: số điện thoại “12” không hợp lệ.",
    ]
