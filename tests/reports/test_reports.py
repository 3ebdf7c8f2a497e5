"""Reports: figures checked against the data, the PDF as a reader sees it, archive, delivery."""

import datetime
import hashlib
import io
import shutil
import subprocess

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import selectors as core_selectors
from core import services as core_services
from core.models import AuditLog, OutboundMessage
from core.roles import Role
from reports import services
from reports.models import Report, ReportRecipient, Section
from tests.actors import SYSTEM

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture
def populated(province):
    """Population entered for every district, computed independently below."""
    for index, unit in enumerate(core_selectors.reporting_units().order_by("code")):
        total = 100_000 + index * 1_000
        core_services.unit_population_set(
            actor=SYSTEM,
            unit=unit,
            total=total,
            age_18_plus=total * 7 // 10,
            age_50_plus=total // 4,
            age_65_plus=total // 10,
            source="Cục Thống kê (test)",
        )
    return province


def _generate(**kwargs) -> Report:
    report = services.report_request(
        actor=SYSTEM,
        period_start=kwargs.get("start", datetime.date(2021, 9, 6)),
        period_end=kwargs.get("end", datetime.date(2021, 9, 12)),
        unit_ids=kwargs.get("unit_ids", []),
        sections=kwargs.get("sections"),
        instruction=kwargs.get("instruction", ""),
    )
    return services.report_generate(report_id=report.pk)


def _pdf_text(report: Report) -> str:
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@needs_poppler
def test_pdf_reads_right_in_vietnamese_with_page_numbers_and_checksum(populated):
    report = _generate(instruction="Theo Công văn số 13341/UBND-CNTT")
    assert report.status == Report.Status.DONE and report.progress == 100
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    assert hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    text = _pdf_text(report)
    assert "BÁO CÁO ĐỘT XUẤT" in text
    assert "Chủ tịch UBND tỉnh Thanh Hóa" in text
    assert "Theo Công văn số 13341/UBND-CNTT" in text
    assert "Huyện Đông Sơn" in text
    pages = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert f"Trang {count} / {count}" in text
    assert "595.276 x 841.89 pts (A4)" in pages
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    # The CSS names the bundled files under a family the host cannot have ("Portal Sans"):
    # if they failed to load, WeasyPrint would fall back to another font and this would fail.
    embedded = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded and all("Portal-Sans" in line and " yes " in line for line in embedded), fonts
    # Every platform is built now: no section says one is missing; testing has its figures.
    assert "chưa được triển khai" not in text
    assert "Xét nghiệm và ca bệnh mới theo địa bàn" in text


def test_population_figures_match_the_data_and_the_excel_file(populated):
    from openpyxl import load_workbook

    report = _generate()
    with report.xlsx.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == report.xlsx_sha256
    sheet = load_workbook(io.BytesIO(content))["Dân số"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    expected = {
        u.name: (u.population_total, u.population_18_plus, u.population_65_plus)
        for u in core_selectors.reporting_units()
    }
    assert len(rows) == len(expected) == 27
    for name, (total, adults, elderly) in expected.items():
        assert rows[name][1:4] == (total, adults, elderly)


def test_demo_population_is_labelled_as_demo(province, dong_son):
    core_services.unit_population_set(
        actor=SYSTEM, unit=dong_son, total=10, age_18_plus=7, age_50_plus=3, age_65_plus=1, is_demo=True
    )
    from reports import data

    _ctx, sections = data.collect(
        period_start=datetime.date(2021, 9, 6),
        period_end=datetime.date(2021, 9, 12),
        unit_ids=[dong_son.pk],
        sections=[Section.EPIDEMIC],
    )
    table = next(t for t in sections[0].tables if t.key == "population")
    assert "MINH HỌA" in table.note
    assert table.rows[0][-1] == "minh họa"


def test_request_is_validated_and_permissioned(make_user, province, dong_son, sam_son):
    chairman = make_user(Role.CHAIRMAN, province_wide=True)
    with pytest.raises(PermissionDenied):
        services.report_request(
            actor=chairman, period_start=datetime.date(2021, 9, 6), period_end=datetime.date(2021, 9, 12)
        )
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    with pytest.raises(ValidationError):
        services.report_request(
            actor=leader, period_start=datetime.date(2021, 9, 12), period_end=datetime.date(2021, 9, 6)
        )
    with pytest.raises(ValidationError):
        services.report_request(
            actor=leader,
            period_start=datetime.date(2021, 9, 6),
            period_end=datetime.date(2021, 9, 12),
            sections=["nonsense"],
        )
    assert not Report.objects.exists()


def test_weekly_job_twice_gives_one_report_and_regeneration_keeps_the_old(province):
    start, end = services.last_week(datetime.date(2021, 9, 13))
    assert (start, end) == (datetime.date(2021, 9, 6), datetime.date(2021, 9, 12))
    first = services.weekly_report_ensure(week_start=start)
    again = services.weekly_report_ensure(week_start=start)
    assert first.pk == again.pk
    assert Report.objects.filter(kind=Report.Kind.WEEKLY, period_start=start).count() == 1
    first = services.report_generate(report_id=first.pk)
    with first.pdf.open("rb") as handle:
        old_bytes = handle.read()
    # Running the generation again does not rewrite a finished report.
    assert services.report_generate(report_id=first.pk).pdf_sha256 == first.pdf_sha256
    new = services.report_regenerate(actor=SYSTEM, report=first)
    new = services.report_generate(report_id=new.pk)
    assert (new.version, new.previous_id, new.number) == (2, first.pk, first.number)
    first.refresh_from_db()
    with first.pdf.open("rb") as handle:
        assert handle.read() == old_bytes
    assert hashlib.sha256(old_bytes).hexdigest() == first.pdf_sha256


def test_weekly_report_is_emailed_once_to_each_recipient(province, django_capture_on_commit_callbacks):
    ReportRecipient.objects.create(name="Văn phòng UBND tỉnh", email="vp@example.invalid")
    ReportRecipient.objects.create(name="Tổ trưởng", email="leader@example.invalid")
    ReportRecipient.objects.create(name="Cũ", email="old@example.invalid", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.weekly_report_ensure(week_start=datetime.date(2021, 9, 6))
    report.refresh_from_db()
    assert report.status == Report.Status.DONE  # eager worker: generated, then delivered
    assert sorted(m.to[0] for m in mail.outbox) == ["leader@example.invalid", "vp@example.invalid"]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name.endswith(".pdf") and mimetype == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == report.pdf_sha256
    sent = OutboundMessage.objects.filter(purpose=f"report:{report.pk}")
    assert sent.count() == 2 and all(m.status == OutboundMessage.Status.SENT for m in sent)
    # A retried delivery task sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.report_deliver(report_id=report.pk)
    assert len(mail.outbox) == 2


def test_pages_archive_request_progress_download(client, make_user, province, dong_son):
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    client.force_login(leader)
    response = client.post(
        reverse("reports:request"),
        {
            "period_start": "2021-09-06",
            "period_end": "2021-09-12",
            "units": [dong_son.pk],
            "sections": ["summary", "epidemic"],
            "instruction": "Chỉ đạo của Chủ tịch",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    # The eager test worker ran only on commit, which the test transaction never reaches.
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert b'http-equiv="refresh"' in page.content and b"<progress" in page.content
    services.report_generate(report_id=report.pk)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert b'http-equiv="refresh"' not in page.content
    pdf = client.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    archive = client.get(reverse("reports:archive"))
    assert report.number.encode() in archive.content
    assert AuditLog.objects.filter(action="report.request", actor=leader).count() == 1


def test_bad_period_keeps_the_form(client, make_user, province):
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    client.force_login(leader)
    response = client.post(
        reverse("reports:request"),
        {
            "period_start": "2021-09-12",
            "period_end": "2021-09-06",
            "sections": ["summary"],
            "instruction": "giữ lại",
        },
    )
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu.".encode() in response.content
    assert "giữ lại".encode() in response.content
    assert not Report.objects.exists()


def test_demo_queues_last_weeks_report_once(province, django_capture_on_commit_callbacks):
    from reports import demo

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(stdout=out)
        demo.load(stdout=out)
    reports = Report.objects.filter(kind=Report.Kind.WEEKLY)
    assert reports.count() == 1 and reports.get().status == Report.Status.DONE
    assert reports.get().period_start == services.last_week()[0]
