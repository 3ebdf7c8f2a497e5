import datetime
import io
import re
import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from checkpoints import services
from checkpoints.models import CheckIn
from core import ratelimit
from core.models import AuditLog, Person
from core.roles import Role
from declarations.models import Declaration
from tests.actors import SYSTEM
from tests.checkpoints.conftest import at, visit
from tests.core.fixtures import first_ward

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    ward = first_ward("405")
    district = ward.parent
    assert district is not None
    data = {
        "full_name": "Nguyễn Văn An",
        "birth_year": "1985",
        "sex": "male",
        "phone": "0912345678",
        "id_number": "038085000001",
        "province": str(district.parent_id),
        "district": str(ward.parent_id),
        "ward": str(ward.pk),
        "address_line": "Thôn 1",
        "submission": str(uuid.uuid4()),
        "member_slots": "3",
    }
    data.update(overrides)
    return data


def url(checkpoint):
    return reverse("checkpoints:visit", kwargs={"token": checkpoint.qr_token})


def test_visit_page_is_small_and_works_without_javascript(client, checkpoint):
    response = client.get(url(checkpoint))
    assert response.status_code == 200
    body = response.content
    css = (__import__("pathlib").Path(__file__).resolve().parents[2] / "static/css/site.css").read_bytes()
    assert len(body) + len(css) < 50_000, len(body)
    text = body.decode()
    assert checkpoint.name in text and 'name="province"' in text and 'name="refresh"' in text
    assert "cp_dev" in response.cookies


def test_declare_then_confirmation_then_checkout(client, checkpoint):
    data = form_data(symptoms=["fever"])
    response = client.post(url(checkpoint), data)
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert Declaration.objects.get(checkins=row).address_unit == first_ward("405")
    assert row.risk == Declaration.Risk.SYMPTOMS
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "risk-symptoms" in text and checkpoint.name in text
    assert timezone.localtime(row.checked_in_at).strftime("%H:%M") in text
    # A retry of the same POST (bad connection) stores nothing new.
    assert client.post(url(checkpoint), data).status_code == 302
    assert CheckIn.objects.count() == 1
    out = client.post(
        reverse("checkpoints:checkout", kwargs={"token": checkpoint.qr_token, "submission": row.submission})
    )
    assert out.status_code == 302
    assert CheckIn.objects.get().checkout_method == CheckIn.Checkout.SCANNED
    assert "Đã ghi nhận ra lúc" in client.get(out["Location"]).content.decode()


def test_invalid_form_keeps_what_was_typed(client, checkpoint):
    response = client.post(
        url(checkpoint), form_data(birth_year="", phone="", id_number="", address_line="Xóm Chùa")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Vui lòng nhập ngày sinh hoặc năm sinh." in text
    assert 'value="Nguyễn Văn An"' in text and 'value="Xóm Chùa"' in text
    assert not CheckIn.objects.exists()


def test_address_round_trip_without_javascript(client, checkpoint, province):
    data = form_data(district="", ward="", refresh="1")
    data["province"] = str(province.pk)
    response = client.post(url(checkpoint), data)
    text = response.content.decode()
    assert "Huyện Đông Sơn" in text  # districts of the chosen province are offered
    data["district"] = str(first_ward("405").parent_id)
    text = client.post(url(checkpoint), data).content.decode()
    assert first_ward("405").name in text
    assert 'value="Nguyễn Văn An"' in text and not CheckIn.objects.exists()


def test_household_members_and_add_row(client, checkpoint):
    data = form_data(add_member="1")
    text = client.post(url(checkpoint), data).content.decode()
    assert 'name="m3-full_name"' in text
    data = form_data(**{"m0-full_name": "Nguyễn Thị Bé", "m0-birth_year": "2016", "m0-sex": "female"})
    assert client.post(url(checkpoint), data).status_code == 302
    assert CheckIn.objects.count() == 2
    assert Person.objects.filter(full_name="Nguyễn Thị Bé", birth_year=2016).exists()


def test_each_member_declares_their_own_health_answers(client, checkpoint):
    data = form_data(
        symptoms=["fever", "cough"],
        **{"m0-full_name": "Nguyễn Thị Bé", "m0-birth_year": "2016", "m0-exposures": ["case_contact"]},
        **{"m1-full_name": "Nguyễn Văn Cu", "m1-birth_year": "2019"},
    )
    response = client.post(url(checkpoint), data)
    assert response.status_code == 302
    rows = {d.full_name: d for d in Declaration.objects.all()}
    # The guard sees at a glance who in the group declared what.
    done = client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn An — <strong>! Có triệu chứng</strong>" in done
    assert "Nguyễn Thị Bé — <strong>! Có yếu tố dịch tễ</strong>" in done
    assert "<li>Nguyễn Văn Cu</li>" in done
    assert (rows["Nguyễn Văn An"].symptoms, rows["Nguyễn Văn An"].risk) == (["fever", "cough"], "symptoms")
    assert (rows["Nguyễn Thị Bé"].symptoms, rows["Nguyễn Thị Bé"].exposures) == ([], ["case_contact"])
    assert rows["Nguyễn Thị Bé"].risk == "exposure"
    assert (rows["Nguyễn Văn Cu"].symptoms, rows["Nguyễn Văn Cu"].risk) == ([], "none")
    assert {d.places_visited for d in rows.values()} == {""}


def test_a_no_javascript_round_trip_keeps_every_ticked_answer(client, checkpoint):
    data = form_data(
        refresh="1",
        symptoms=["fever", "cough"],
        **{"m0-full_name": "Bé", "m0-symptoms": ["fever", "fatigue"]},
    )
    text = client.post(url(checkpoint), data).content.decode()
    for name, code in (
        ("symptoms", "fever"),
        ("symptoms", "cough"),
        ("m0-symptoms", "fever"),
        ("m0-symptoms", "fatigue"),
    ):
        assert re.search(rf'name="{name}" value="{code}"[^>]*checked', text), (name, code)
    assert "<details open>" in text  # the member's ticks stay visible


def test_member_without_birth_year_is_refused(client, checkpoint):
    response = client.post(url(checkpoint), form_data(**{"m0-full_name": "Bé"}))
    assert response.status_code == 200 and "Vui lòng nhập năm sinh." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_refused_member_row_comes_back_with_every_blank_row_around_it(client, checkpoint):
    """Blank member rows are not validated on a POST (issue 16) but are shown again, empty, when
    the page comes back; a filled row after blank ones is stored."""
    data = form_data(**{"m1-full_name": "Bé", "m0-full_name": " ", "m2-sex": ""})
    text = client.post(url(checkpoint), data).content.decode()
    assert "Vui lòng nhập năm sinh." in text and not CheckIn.objects.exists()
    for row in range(3):
        assert f'name="m{row}-full_name"' in text
    assert re.search(r'name="m1-full_name"[^>]*value="Bé"', text)
    data = form_data(**{"m2-full_name": "Nguyễn Văn Cu", "m2-birth_year": "2019"})
    assert client.post(url(checkpoint), data).status_code == 302
    assert sorted(CheckIn.objects.values_list("position", flat=True)) == [0, 1]
    assert Person.objects.filter(full_name="Nguyễn Văn Cu", birth_year=2019).exists()


def test_remember_me_gives_a_one_tap_checkin(client, checkpoint):
    client.post(url(checkpoint), form_data(remember="1"))
    assert client.cookies["cp_me"].value
    page = client.get(url(checkpoint)).content.decode()
    assert 'name="quick"' in page and "Nguyễn Văn An" in page
    # The next visit, 40 minutes later (sooner would be the same visit: a repeat check-in).
    earlier = timezone.now() - datetime.timedelta(minutes=40)
    CheckIn.objects.update(checked_in_at=earlier, checked_out_at=earlier + datetime.timedelta(minutes=60))
    response = client.post(url(checkpoint), {"quick": "1", "remember": "1", "submission": str(uuid.uuid4())})
    assert response.status_code == 302
    assert CheckIn.objects.count() == 2 and Person.objects.count() == 1
    client.post(reverse("checkpoints:forget", kwargs={"token": checkpoint.qr_token}))
    assert 'name="quick"' not in client.get(url(checkpoint)).content.decode()


def test_visit_page_in_english_names_the_checkpoint_in_the_singular(client, checkpoint):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(url(checkpoint)).content.decode()
    assert "<small>Checkpoint</small>" in text and "Submit the declaration" in text


REMEMBER_BOX = re.compile(r'<input type="checkbox" name="remember" value="1"( checked)?>')


def remember_ticked(page: str) -> bool:
    box = REMEMBER_BOX.search(page)
    assert box is not None, "no remember-me box on the page"
    return box.group(1) is not None


def test_remember_me_is_opt_in(client, checkpoint):
    """Nothing personal stays on a phone (perhaps borrowed) unless its user ticks the box."""
    assert not remember_ticked(client.get(url(checkpoint)).content.decode())
    client.post(url(checkpoint), form_data())
    assert "cp_me" not in client.cookies
    # A visitor who chose it earlier finds it still ticked when editing their details.
    client.post(url(checkpoint), form_data(remember="1"))
    page = client.get(url(checkpoint) + "?edit=1").content.decode()
    assert remember_ticked(page)


@override_settings(CHECKIN_RATE_PER_DEVICE=2)
def test_rate_limit_per_device_keeps_the_form(client, checkpoint):
    client.cookies["cp_dev"] = ratelimit.new_device_cookie()
    for _i in range(2):
        assert client.post(url(checkpoint), form_data()).status_code == 302
    response = client.post(url(checkpoint), form_data(address_line="Thôn 9"))
    assert response.status_code == 429
    text = response.content.decode()
    assert "quá nhanh" in text and 'value="Thôn 9"' in text
    # Another phone on the same Wi-Fi (same IP) is not blocked.
    client.cookies["cp_dev"] = ratelimit.new_device_cookie()
    assert client.post(url(checkpoint), form_data()).status_code == 302


@override_settings(CHECKIN_RATE_PER_IP=3, CHECKIN_RATE_PER_DEVICE=100, RATE_LIMIT_PROXY_COUNT=1)
def test_rate_limit_per_ip_behind_a_proxy(client, checkpoint):
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    for _i in range(3):
        client.cookies["cp_dev"] = ratelimit.new_device_cookie()
        assert client.post(url(checkpoint), form_data(), HTTP_X_FORWARDED_FOR=ip).status_code == 302
    client.cookies["cp_dev"] = ratelimit.new_device_cookie()
    assert client.post(url(checkpoint), form_data(), HTTP_X_FORWARDED_FOR=ip).status_code == 429


def test_revoked_code_says_so(client, checkpoint):
    old = url(checkpoint)
    services.checkpoint_qr_reissue(actor=SYSTEM, checkpoint=checkpoint)
    response = client.get(old)
    assert response.status_code == 410
    assert "Mã QR này đã bị thu hồi" in response.content.decode()
    assert client.get("/c/khong-co-ma-nay/").status_code == 404


def test_staff_scan_cccd_checks_in_at_once(client, checkpoint, operator):
    client.force_login(operator)
    scan = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    payload = "038085000001||Nguyễn Văn An|12031985|Nam|Thôn 1, Đông Sơn|15042021"
    response = client.post(
        scan, {"payload": payload, "direction": "in", "submission": str(uuid.uuid4())}, follow=True
    )
    row = CheckIn.objects.get()
    assert row.method == CheckIn.Method.STAFF and row.entered_by == operator
    assert "Nguyễn Văn ***" in response.content.decode()
    # Scanning again as "out" closes the visit.
    client.post(scan, {"payload": payload, "direction": "out"})
    assert CheckIn.objects.get().checkout_method == CheckIn.Checkout.SCANNED


def test_staff_scan_asks_only_for_what_is_missing(client, checkpoint, operator):
    client.force_login(operator)
    scan = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    # A passport number tells no sex: the page asks for it and keeps the payload.
    payload = "B1234567|TRAN VAN BINH|1990-05-01|0|Q|"
    text = client.post(scan, {"payload": payload, "direction": "in"}).content.decode()
    assert 'name="sex"' in text and 'name="birth_date"' not in text and "B1234567" in text
    assert not CheckIn.objects.exists()
    client.post(scan, {"payload": payload, "direction": "in", "sex": "male"})
    assert CheckIn.objects.get().person.full_name == "Tran Van Binh"


def test_staff_scan_malformed_code(client, checkpoint, operator):
    client.force_login(operator)
    response = client.post(reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk}), {"payload": "xin chao"})
    assert "không phải mã QR cá nhân" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_paper_entry_records_provenance(client, checkpoint, operator):
    client.force_login(operator)
    paper = reverse("checkpoints:paper", kwargs={"pk": checkpoint.pk})
    when = timezone.localtime() - datetime.timedelta(hours=3)
    data = form_data(
        visited_at=when.strftime("%Y-%m-%dT%H:%M"),
        id_number="",
        full_name="Lê Thị Giấy",
        birth_year="1950",
        sex="female",
        phone="0911111111",
    )
    response = client.post(paper, data)
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert row.method == CheckIn.Method.PAPER and row.entered_by == operator
    assert Declaration.objects.get(checkins=row).source == Declaration.Source.PAPER
    assert timezone.localtime(row.checked_in_at).strftime("%H:%M") == when.strftime("%H:%M")
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    text = client.post(
        paper, {**data, "visited_at": future, "submission": str(uuid.uuid4())}
    ).content.decode()
    assert "không được ở tương lai" in text and 'value="Lê Thị Giấy"' in text


def test_detail_page_masks_identities(client, checkpoint, operator):
    visit(checkpoint)
    client.force_login(operator)
    text = client.get(reverse("checkpoints:detail", kwargs={"pk": checkpoint.pk})).content.decode()
    assert "Nguyễn Văn ***" in text and "0912345***" in text
    assert "Nguyễn Văn An" not in text and "0912345678" not in text


def _trace(client, url_name, data):
    """POSTs a tracing search and follows the redirect to its opaque id: (response, export query)."""
    posted = client.post(reverse(url_name), data)
    if posted.status_code != 302:
        return posted, None
    location = posted["Location"]
    return client.get(location), {"s": location.split("?s=", 1)[1]}


def test_tracing_page_and_exports_are_audited(client, checkpoint, epidemiologist):
    case = visit(checkpoint, at=at(5))[0]
    visit(checkpoint, at=at(5), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    client.force_login(epidemiologist)
    start = (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    end = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    query = {"id_number": "038085000001", "start": start, "end": end, "purpose": "Ca F0 số 12"}
    missing_purpose, _none = _trace(client, "checkpoints:trace", {**query, "purpose": ""})
    assert "Lê Văn Bình" not in missing_purpose.content.decode()
    before = AuditLog.objects.filter(action="checkin.read").count()
    response, search = _trace(client, "checkpoints:trace", query)
    text = response.content.decode()
    assert "Lê Văn Bình" in text and "0912000002" in text and "Ước tính" in text
    csv_response = client.get(reverse("checkpoints:trace-export"), {**search, "format": "csv"})
    body = csv_response.content.decode("utf-8-sig")
    assert "Lê Văn Bình" in body and "Ca bệnh" in body
    xlsx = client.get(reverse("checkpoints:trace-export"), {**search, "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[3]][1] == "Lê Văn Bình"
    logs = AuditLog.objects.filter(action="checkin.read").order_by("id")[before:]
    assert [log.details["kind"] for log in logs] == ["search", "export.csv", "export.xlsx"]
    assert all(log.reason == "Ca F0 số 12" and log.actor == epidemiologist for log in logs)
    assert str(case.pk) in logs[0].target_ids or logs[0].target_id == str(case.pk)


def test_trace_by_checkpoint_window_page(client, checkpoint, epidemiologist):
    visit(checkpoint, at=at(2))
    client.force_login(epidemiologist)
    response, search = _trace(
        client,
        "checkpoints:trace-checkpoint",
        {
            "checkpoint": checkpoint.pk,
            "start": (timezone.localtime() - datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
            "end": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "purpose": "Ổ dịch chợ",
        },
    )
    assert "Nguyễn Văn An" in response.content.decode()
    assert AuditLog.objects.filter(action="checkin.read", reason="Ổ dịch chợ").count() == 1
    assert "Ổ dịch chợ" not in response.request["QUERY_STRING"] and set(search) == {"s"}


def test_register_and_approve_pages(client, make_user, agency, dong_son):
    officer = make_user(Role.AGENCY_OFFICER, organizations=[agency])
    client.force_login(officer)
    response = client.post(
        reverse("checkpoints:register"),
        {
            "name": "Cổng bệnh viện",
            "organization": agency.pk,
            "kind": "hospital",
            "unit": first_ward("405").pk,
            "opens_at": "07:00",
            "closes_at": "17:00",
        },
    )
    assert response.status_code == 302
    from checkpoints.models import Checkpoint

    point = Checkpoint.objects.get(name="Cổng bệnh viện")
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    client.force_login(official)
    client.post(reverse("checkpoints:decide", kwargs={"pk": point.pk}), {"approve": "on"})
    point.refresh_from_db()
    assert point.status == Checkpoint.Status.APPROVED


def test_staff_scan_keeps_the_address_printed_on_the_card(client, checkpoint, operator):
    client.force_login(operator)
    scan = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    payload = "038085000001||Nguyễn Văn An|12031985|Nam|Thôn 1,  Đông Sơn|15042021|\r\n"
    client.post(scan, {"payload": payload, "direction": "in", "submission": str(uuid.uuid4())})
    row = CheckIn.objects.get()
    assert row.person.address_line == "Thôn 1, Đông Sơn"
    assert row.declaration is not None and row.declaration.address_line == "Thôn 1, Đông Sơn"


def test_staff_scan_with_a_null_character_says_so(client, checkpoint, operator):
    client.force_login(operator)
    scan = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    response = client.post(scan, {"payload": "\x00038085000001||A|12031985|Nam|X|15042021"})
    text = response.content.decode()
    assert "Mã chứa ký tự không được phép" in text and "mã trống" not in text
    assert not CheckIn.objects.exists()


def test_fixed_choices_are_shared_between_forms_but_not_their_state(checkpoint):
    """The visitor form's fixed choice lists are not copied per form (issue 16); replacing one
    form's choices leaves the others alone."""
    from declarations.forms import DeclarationForm

    first, second = DeclarationForm(), DeclarationForm()

    def choices(form, name):
        return form.fields[name].choices

    assert choices(first, "symptoms") is choices(second, "symptoms")
    first.fields["sex"].choices = [("male", "Nam")]  # type: ignore[attr-defined]
    assert [c for c, _l in choices(second, "sex")] == ["male", "female"]
    assert [c for c, _l in choices(DeclarationForm(), "sex")] == ["male", "female"]
