"""Vaccination lists in and out (issue 19 point 9): people matched and never overwritten, doses
not duplicated on re-import, row-numbered Vietnamese errors with nothing stored, the set-based
path equal to django-import-export's row-by-row path, and the national platform's export."""

import datetime
import io

import pytest
import tablib
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.imports import errors_of, read_file
from core.models import AuditLog, Person
from core.roles import Role
from tests.actors import SYSTEM
from tests.vaccination.conftest import give, make_lot
from vaccination.imports import DoseImportResource
from vaccination.models import Dose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def copy_every_batch(monkeypatch):
    """On PostgreSQL the writes of these small files take the COPY branch too (core/bulk.py)."""
    monkeypatch.setattr("core.bulk.COPY_FROM", 1)


HEADER = [
    "ho_ten",
    "ngay_sinh",
    "gioi_tinh",
    "so_giay_to",
    "so_dien_thoai",
    "vac_xin",
    "so_lo",
    "mui_so",
    "ngay_tiem",
]


def _day(days_ago: int) -> str:
    return f"{timezone.localdate() - datetime.timedelta(days=days_ago):%Y-%m-%d} 09:00"


def _row(n, dose=1, days_ago=120, lot="AZ001", vaccine="Vaxzevria (AstraZeneca)", **kw):
    values = {
        "ho_ten": f"Trần Thị Mai {n}",
        "ngay_sinh": "1970-05-0" + str(1 + n % 9),
        "gioi_tinh": "nữ",
        "so_giay_to": f"0381700{n:05d}",
        "so_dien_thoai": f"09130{n:05d}",
        "vac_xin": vaccine,
        "so_lo": lot,
        "mui_so": str(dose),
        "ngay_tiem": _day(days_ago),
    }
    values.update(kw)
    return [values[h] for h in HEADER]


def _csv(rows) -> bytes:
    return tablib.Dataset(*rows, headers=HEADER).export("csv").encode()


def _import(content, site, *, fast=True, user=SYSTEM, name="ds.csv"):
    resource = DoseImportResource()
    resource.fast = fast
    return resource.import_data(read_file(content, name), user=user, site=site, file_name=name)


@pytest.fixture
def lots_and_stock(site):
    return make_lot(number="AZ001", site=site, quantity=10, expires_in=400), make_lot(
        number="PF001", name="Comirnaty (Pfizer-BioNTech)"
    )


@pytest.fixture
def lots(site):
    return make_lot(number="AZ001", expires_in=400), make_lot(
        number="PF001", name="Comirnaty (Pfizer-BioNTech)"
    )


def _list(n=30):
    rows = []
    for i in range(1, n + 1):
        rows.append(_row(i, 1, 200))
        rows.append(_row(i, 2, 140))
    return rows


def test_a_list_creates_people_once_and_their_doses(site, lots):
    result = _import(_csv(_list(10)), site)
    assert errors_of(result) == []
    assert Person.objects.filter(source=Person.Source.IMPORT).count() == 10
    assert Dose.objects.count() == 20 and set(Dose.objects.values_list("series_doses", flat=True)) == {2}
    row = AuditLog.objects.get(action="dose.import")
    assert row.details["created"] == 20 and len(row.details["people_created"]) == 10


def test_an_existing_person_is_matched_and_never_overwritten(site, lots, person):
    rows = [_row(1, so_giay_to=person.id_number, ho_ten="Tên Khác", so_dien_thoai="0999999999")]
    assert errors_of(_import(_csv(rows), site)) == []
    person.refresh_from_db()
    assert Dose.objects.get().person_id == person.pk
    assert person.full_name == "Nguyễn Văn An" and person.phone == "0912345678"


def test_reimporting_the_list_creates_no_duplicates(site, lots):
    content = _csv(_list(10))
    _import(content, site)
    again = _import(content, site)
    assert errors_of(again) == [] and again.summary.created == 0 and again.summary.unchanged == 20
    assert Dose.objects.count() == 20 and Person.objects.count() == 10


def test_a_dose_given_on_the_portal_is_matched_not_duplicated(site, lots_and_stock, person):
    lot = lots_and_stock[0]
    dose = give(person, site, lot, at=timezone.now() - datetime.timedelta(days=1))
    rows = [
        _row(
            1,
            so_giay_to=person.id_number,
            ngay_tiem=f"{timezone.localtime(dose.administered_at):%Y-%m-%d %H:%M}",
        )
    ]
    result = _import(_csv(rows), site)
    assert errors_of(result) == [] and result.summary.unchanged == 1 and Dose.objects.count() == 1


def test_one_bad_row_among_many_stores_nothing_and_names_its_line(site, lots):
    rows = _list(30)
    rows[41] = _row(21, 2, 140, lot="KHONG-CO")
    result = _import(_csv(rows), site)
    assert errors_of(result) == ["Dòng 43: không có lô KHONG-CO của vắc xin Vaxzevria (AstraZeneca)."]
    assert not Dose.objects.exists() and not Person.objects.exists()


def test_the_vaccination_rules_apply(site, lots):
    rows = [
        _row(1, 1, 120),
        _row(1, 2, 110),  # 10 days after dose 1: before the minimum interval
        _row(2, 2, 50),  # dose 2 without dose 1
        _row(3, 1, 50, vaccine="Không Có"),
        _row(4, 1, 50, so_giay_to="", so_dien_thoai=""),
        _row(5, 1, -3),  # in the future
        _row(6, 1, 50),
        _row(6, 1, 40),  # the same dose twice in the file
        _row(7, "x", 50),
    ]
    errors = errors_of(_import(_csv(rows), site))
    assert [e.split(":")[0] for e in errors] == [f"Dòng {n}" for n in (3, 4, 5, 6, 7, 9, 10)]
    text = "\n".join(errors)
    for part in (
        "khoảng cách tối thiểu",
        "không đúng thứ tự",
        "không có vắc xin",
        "cần số giấy tờ",
        "tương lai",
        "lặp lại trong tệp",
        "không phải là số nguyên",
    ):
        assert part in text
    assert not Dose.objects.exists()


def test_a_different_dose_already_recorded_is_refused(site, lots):
    _import(_csv([_row(1, 1, 120)]), site)
    errors = errors_of(_import(_csv([_row(1, 1, 100)]), site))
    assert len(errors) == 1 and "đã có mũi 1 khác" in errors[0]


def test_not_an_excel_file(site, lots):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="không phải tệp Excel"):
        read_file(_csv(_list(1)), "ds.xlsx")


def _stored():
    return sorted(
        Dose.objects.values_list(
            "person__id_number_hash",
            "lot__number",
            "dose_number",
            "series_doses",
            "administered_at",
            "next_due_date",
        )
    ), sorted(Person.objects.values_list("id_number_hash", "full_name", "source"))


@pytest.mark.parametrize("bad", [False, True])
def test_the_set_based_path_equals_the_row_by_row_path(site, lots, bad):
    rows = _list(8)
    rows.append(_row(1, 3, 30, lot="PF001", vaccine="Comirnaty (Pfizer-BioNTech)"))  # a booster
    if bad:
        rows[3] = _row(2, 2, 190)
        rows.append(_row(9, 2, 10))
    outcomes = []
    for fast in (True, False):
        result = _import(_csv(rows), site, fast=fast)
        outcomes.append((errors_of(result), _stored()))
        Dose.objects.all().delete()
        Person.objects.all().delete()
    assert outcomes[0] == outcomes[1]
    assert bool(outcomes[0][0]) == bad and bool(outcomes[0][1][0]) != bad


def test_export_for_the_national_platform_imports_again_unchanged(tmp_path, site, lots):
    _import(_csv(_list(5)), site)
    path = tmp_path / "quoc-gia.xlsx"
    out = io.StringIO()
    today = timezone.localdate()
    call_command(
        "export_doses",
        str(path),
        "--from",
        str(today - datetime.timedelta(days=365)),
        "--to",
        str(today),
        stdout=out,
    )
    data = read_file(path.read_bytes(), "quoc-gia.xlsx")
    assert len(data) == 10 and data.headers[:3] == ["ho_ten", "ngay_sinh", "nam_sinh"]
    assert AuditLog.objects.filter(action="person.read").exists()
    again = _import(path.read_bytes(), site, name="quoc-gia.xlsx")
    assert errors_of(again) == [] and again.summary.unchanged == 10


def test_the_command_and_the_admin_import(tmp_path, client, make_user, dong_son, site, lots):
    path = tmp_path / "ds.csv"
    path.write_bytes(_csv(_list(3)))
    out = io.StringIO()
    call_command("import_doses", str(path), "--site", str(site.pk), stdout=out)
    assert "Đã nhập 6 dòng mới" in out.getvalue()
    url = reverse("admin:vaccination_dose_import")
    client.force_login(make_user(Role.LAB_STAFF, province_wide=True))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.VACCINATION_STAFF, units=[dong_son]))
    upload = io.BytesIO(_csv(_list(4)))
    upload.name = "ds.csv"
    preview = client.post(url, {"import_file": upload, "format": "0", "target": site.pk})
    assert preview.status_code == 200 and preview.context["confirm_form"] is not None
    done = client.post(
        reverse("admin:vaccination_dose_process_import"), preview.context["confirm_form"].initial
    )
    assert done.status_code == 302 and Dose.objects.count() == 8
    export = client.post(reverse("admin:vaccination_dose_export"), {"format": "0", "resource": "0"})
    assert export.status_code == 200


def test_a_large_vaccination_list_goes_to_a_background_job(
    client, make_user, dong_son, site, lots, django_capture_on_commit_callbacks
):
    from django.test import override_settings

    from core.models import ImportJob

    client.force_login(make_user(Role.VACCINATION_STAFF, units=[dong_son]))
    upload = io.BytesIO(_csv(_list(3)))
    upload.name = "ds.csv"
    with override_settings(IMPORT_BACKGROUND_ROWS=2), django_capture_on_commit_callbacks(execute=True):
        form = {"import_file": upload, "format": "0", "target": site.pk}
        sent = client.post(reverse("admin:vaccination_dose_import"), form)
    job = ImportJob.objects.get()
    assert sent["Location"] == reverse("admin:vaccination_dose_import_job", args=[job.pk])
    assert job.status == ImportJob.Status.CHECKED and job.created == 6 and not Dose.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:vaccination_dose_import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Dose.objects.count() == 6 and job.content is None
