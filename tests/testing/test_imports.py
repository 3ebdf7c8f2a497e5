"""Lab results from a lab system's file (issue 18 point 5): the admin import with preview, the
management command, all-or-nothing with row-numbered Vietnamese errors, re-import without
duplicates, and the set-based path equal to django-import-export's row-by-row path."""

import datetime
import io
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.imports import errors_of, read_file
from core.models import AuditLog
from core.roles import Role
from testing import services
from testing.imports import LabResultResource
from testing.models import Case, LabResult, Sample
from tests.actors import SYSTEM
from tests.testing.conftest import collect, person_n, received

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def copy_every_batch(monkeypatch):
    """On PostgreSQL the writes of these small files take the COPY branch too (core/bulk.py)."""
    monkeypatch.setattr("core.bulk.COPY_FROM", 1)


HEADER = ["ma_mau", "ket_qua", "thoi_diem_ket_qua", "gia_tri_ct", "nguoi_xac_nhan"]


def _when(hours: int = 1) -> str:
    return f"{timezone.localtime() - datetime.timedelta(hours=hours):%Y-%m-%d %H:%M}"


def _csv(rows, header=HEADER) -> bytes:
    data = tablib.Dataset(*rows, headers=header)
    return data.export("csv").encode("utf-8")


def _rows(codes, outcome="âm tính"):
    return [(c, outcome, _when(), "", "BS. Lê Thị Hoa") for c in codes]


def _import(content: bytes, lab, *, user=SYSTEM, fast=True, dry_run=False, name="kq.csv"):
    resource = LabResultResource()
    resource.fast = fast
    return resource.import_data(read_file(content, name), dry_run=dry_run, user=user, lab=lab, file_name=name)


@pytest.fixture
def samples(site, lab):
    return received(site, lab, [f"KQ-{n:04d}" for n in range(1, 41)])


def test_a_good_file_stores_every_result_and_one_audit_row_for_the_batch(site, lab, samples):
    rows = _rows([s.code for s in samples])
    rows[0] = (samples[0].code, "dương tính", _when(), "23.5", "BS. Lê Thị Hoa")
    result = _import(_csv(rows), lab)
    assert errors_of(result) == []
    assert LabResult.objects.filter(via=LabResult.Via.IMPORT).count() == 40
    first = LabResult.objects.get(sample=samples[0])
    assert first.outcome == "positive" and first.ct_value == Decimal("23.5")
    assert Sample.objects.filter(status=Sample.Status.RESULTED).count() == 40
    # A positive RT-PCR confirms a case, as a result entered on the lab page does.
    assert Case.objects.get().person_id == samples[0].person_id
    row = AuditLog.objects.get(action="labresult.import")
    assert row.details["created"] == 40 and len(row.target_ids) == 40 and row.details["cases"]


def test_one_bad_row_among_many_stores_nothing_and_names_its_line(site, lab, samples):
    rows = _rows([s.code for s in samples])
    rows[29] = ("KQ-9999", "âm tính", _when(), "", "BS. Lê")
    before = AuditLog.objects.count()
    result = _import(_csv(rows), lab)
    assert errors_of(result) == ["Dòng 31: không có mẫu mã KQ-9999."]
    assert not LabResult.objects.exists() and not Case.objects.exists()
    assert AuditLog.objects.count() == before
    assert Sample.objects.filter(status=Sample.Status.RECEIVED).count() == 40


def test_every_kind_of_bad_row_is_named(site, lab, samples):
    rejected = collect(site, "KQ-0500", **person_n(500))
    services.sample_reject(actor=SYSTEM, sample=rejected, reason="leaked")
    pooled = received(site, lab, ["KQ-0601", "KQ-0602"], first=601)
    services.pool_create(actor=SYSTEM, lab=lab, code="GOP-0001", codes=["KQ-0601", "KQ-0602"])
    rows = [
        ("KQ-0001", "âm tính", _when(), "", "BS. Lê"),
        ("KQ-0001", "âm tính", _when(), "", "BS. Lê"),  # the same code again
        ("KQ-0002", "hỏng", _when(), "", "BS. Lê"),
        ("KQ-0003", "âm tính", "hôm qua", "", "BS. Lê"),
        ("KQ-0004", "dương tính", _when(), "abc", "BS. Lê"),
        ("KQ-0005", "dương tính", _when(), "77", "BS. Lê"),
        ("KQ-0006", "âm tính", _when(), "", ""),
        ("KQ-0500", "âm tính", _when(), "", "BS. Lê"),
        (pooled[0].code, "âm tính", _when(), "", "BS. Lê"),
        ("KQ-0007", "âm tính", _when(-48), "", "BS. Lê"),
    ]
    errors = errors_of(_import(_csv(rows), lab))
    assert [e.split(":")[0] for e in errors] == [f"Dòng {n}" for n in range(3, 12)]
    text = "\n".join(errors)
    assert "lặp lại trong tệp (đã có ở dòng 2)" in text
    assert "Kết quả phải là dương tính, âm tính hoặc không xác định" in text
    assert "không đúng dạng ngày giờ" in text
    assert "không phải là số" in text
    assert "Giá trị Ct phải trong khoảng 0–50" in text
    assert "người xác nhận" in text
    assert "đã bị từ chối" in text
    assert "thuộc mẫu gộp" in text
    assert "ở tương lai" in text
    assert not LabResult.objects.exists()


def test_reimporting_the_same_file_creates_no_duplicates(site, lab, samples):
    content = _csv(_rows([s.code for s in samples]))
    assert errors_of(_import(content, lab)) == []
    again = _import(content, lab)
    assert errors_of(again) == [] and again.summary.created == 0 and again.summary.unchanged == 40
    assert LabResult.objects.count() == 40


def test_a_different_result_for_a_resulted_sample_is_refused(site, lab, samples):
    _import(_csv(_rows([samples[0].code])), lab)
    errors = errors_of(_import(_csv(_rows([samples[0].code], outcome="dương tính")), lab))
    assert errors == [
        f"Dòng 2: mẫu {samples[0].code} đã có kết quả khác (Âm tính); kết quả đã trả không sửa bằng nhập tệp."
    ]


def test_a_file_that_is_not_an_excel_file_is_refused_in_vietnamese():
    with pytest.raises(ValidationError, match="không phải tệp Excel"):
        read_file(b"ma_mau,ket_qua\nKQ-1,am\n", "ket-qua.xlsx")
    with pytest.raises(ValidationError, match="không phải tệp Excel"):
        read_file(b"PK\x03\x04 broken zip", "ket-qua.xlsx")
    with pytest.raises(ValidationError, match="Chỉ nhận tệp CSV hoặc Excel"):
        read_file(b"x", "ket-qua.pdf")


def test_a_missing_column_refuses_the_file(lab, samples):
    errors = errors_of(_import(_csv([("KQ-0001", "am")], header=["ma_mau", "ket_qua"]), lab))
    assert errors and "thiếu cột" in errors[0].lower()


def test_an_excel_file_with_vietnamese_headers_is_read(site, lab, samples):
    data = tablib.Dataset(
        *[
            (
                s.code,
                "Âm tính",
                timezone.localtime().replace(tzinfo=None) - datetime.timedelta(hours=1),
                None,
                "BS. Lê",
            )
            for s in samples[:3]
        ],
        headers=["Mã mẫu", "Kết quả", "Thời điểm có kết quả", "Giá trị Ct", "Người xác nhận"],
    )
    result = _import(data.export("xlsx"), lab, name="kq.xlsx")
    assert errors_of(result) == [] and LabResult.objects.count() == 3


def test_the_import_is_scoped_to_the_users_labs(make_user, sam_son, lab, samples):
    outsider = make_user(Role.LAB_STAFF, units=[sam_son])
    with pytest.raises(PermissionDenied):
        _import(_csv(_rows([samples[0].code])), lab, user=outsider)
    epidemiologist = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    with pytest.raises(PermissionDenied):
        _import(_csv(_rows([samples[0].code])), lab, user=epidemiologist)


def _stored():
    return sorted(
        LabResult.objects.values_list(
            "sample__code", "outcome", "resulted_at", "ct_value", "verified_by", "via"
        )
    ), sorted(Case.objects.values_list("person_id", "confirmed_on", "source__code", "found_in"))


@pytest.mark.parametrize("bad", [False, True])
def test_the_set_based_path_equals_the_row_by_row_path(django_db_blocker, site, lab, samples, bad):
    """Same file through both paths of the same resource: the same rows stored (then undone),
    or the same errors."""
    rows = _rows([s.code for s in samples])
    for n in (3, 7, 11):
        rows[n] = (samples[n].code, "dương tính", _when(), "21", "BS. Lê")
    second = received(site, lab, ["KQ-0700"], first=4)[0]  # the person of samples[3], sampled again
    rows.append((second.code, "dương tính", _when(2), "19", "BS. Lê"))
    if bad:
        rows[20] = ("KQ-9999", "âm tính", _when(), "", "BS. Lê")
        rows[25] = (samples[25].code, "??", _when(), "", "BS. Lê")
        rows[26] = (samples[26].code, "âm", "31/02/2022 10:00", "", "BS. Lê")
    content = _csv(rows)
    outcomes = []
    for fast in (True, False):
        result = _import(content, lab, fast=fast)
        outcomes.append((errors_of(result), _stored()))
        LabResult.objects.all().delete()
        Case.objects.all().delete()
        Sample.objects.filter(pk__in=[*(s.pk for s in samples), second.pk]).update(
            status=Sample.Status.RECEIVED
        )
    assert outcomes[0] == outcomes[1]
    assert bool(outcomes[0][0]) == bad and bool(outcomes[0][1][0]) != bad


def test_reimport_and_unchanged_rows_agree_between_paths(site, lab, samples):
    content = _csv(_rows([s.code for s in samples[:5]]))
    _import(content, lab, fast=True)
    slow = _import(content, lab, fast=False)
    assert errors_of(slow) == [] and LabResult.objects.count() == 5
    assert slow.totals["skip"] == 5


def test_the_command_prints_progress_and_refuses_a_bad_file(tmp_path, site, lab, samples):
    good = tmp_path / "kq.csv"
    good.write_bytes(_csv(_rows([s.code for s in samples])))
    out = io.StringIO()
    call_command("import_lab_results", str(good), "--lab", str(lab.pk), stdout=out)
    assert "Đã nhập 40 dòng mới" in out.getvalue() and "Đã kiểm tra: 40/40" in out.getvalue()
    assert LabResult.objects.count() == 40
    bad = tmp_path / "kq.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="không phải tệp Excel"):
        call_command("import_lab_results", str(bad), "--lab", lab.name, stdout=io.StringIO())


def test_lab_staff_import_in_the_admin_with_a_preview(client, lab_user, make_user, lab, samples):
    url = reverse("admin:testing_labresult_import")
    for role in (Role.EPIDEMIOLOGIST, Role.VACCINATION_STAFF):
        client.force_login(make_user(role, province_wide=True))
        assert client.get(url).status_code == 403
    client.force_login(lab_user)
    assert client.get(url).status_code == 200
    upload = io.BytesIO(_csv(_rows([s.code for s in samples[:3]])))
    upload.name = "kq.csv"
    preview = client.post(url, {"import_file": upload, "format": "0", "target": lab.pk})
    assert preview.status_code == 200 and b"KQ-0001" in preview.content
    assert not LabResult.objects.exists()  # the preview stores nothing
    confirm = preview.context["confirm_form"]
    done = client.post(reverse("admin:testing_labresult_process_import"), confirm.initial)
    assert done.status_code == 302 and LabResult.objects.count() == 3
    bad = io.BytesIO(_csv([("KQ-9999", "âm tính", _when(), "", "BS. Lê")]))
    bad.name = "kq.csv"
    refused = client.post(url, {"import_file": bad, "format": "0", "target": lab.pk})
    assert "Dòng 2: không có mẫu mã KQ-9999." in refused.content.decode()
    assert "confirm_form" not in refused.context or refused.context["confirm_form"] is None
