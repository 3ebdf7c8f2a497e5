"""Real-browser tests in Debian's Chromium: collection at phone size (a returning person in one
round trip) → lab result → the citizen's look-up at phone size; case → tracing → F1 notice."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.urls import reverse

from certificates import selectors as certificate_selectors
from core.models import OutboundMessage
from core.roles import Role
from testing import services
from testing.models import Case, Contact, Sample
from tests.actors import SYSTEM
from tests.browser import login
from tests.certificates.conftest import province_trusted  # noqa: F401  (fixture)
from tests.checkpoints.conftest import make_checkpoint, visit
from tests.testing.conftest import collect, person_n, received

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 740}
CCCD = "038085000001|123456789|Nguyễn Văn An|12031985|Nam|Thôn 1, Đông Sơn, Thanh Hóa|01012022"


@pytest.fixture(autouse=True)
def _role_groups(db):
    """A transactional test before this one may have flushed the groups the migration created."""
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def test_collection_lab_result_and_the_citizens_look_up(
    browser,
    live_server,
    site,
    lab,
    make_user,
    dong_son,
    screenshot_dir,
    tmp_path,
    caplog,
    province_trusted,  # noqa: F811
):
    collect(site, "TH-0001")  # Nguyễn Văn An, tested before: a returning person
    lab_user = make_user(Role.LAB_STAFF, units=[dong_son])
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    url = reverse("testing:collect", kwargs={"pk": site.pk})
    login(page, live_server.url, lab_user.username, url)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("#id_payload").click()
    page.keyboard.type(CCCD)  # as a hand-held scanner types it, then its Enter
    page.keyboard.press("Enter")  # moves to the tube field (static/js/collect.js), no submit
    page.locator("#id_code").type("TH-0002")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert len(posts) == 1  # one round trip (the POST and its redirect)
    assert "Đã lấy mẫu TH-0002" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "testing-collect-phone.png"), full_page=True)
    sample = Sample.objects.get(code="TH-0002")
    assert sample.person_id == Sample.objects.get(code="TH-0001").person_id

    # The lab receives the tube and enters the result.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("testing:lab", kwargs={"pk": lab.pk}))
    page.fill("#id_rc-codes", "TH-0002")
    with page.expect_navigation():
        page.locator("#form-receive button").click()
    page.fill("#id_rs-lines", "TH-0002; am")
    page.fill("#id_rs-verified_by", "BS. Lê Thị Hoa")
    with page.expect_navigation():
        page.locator("#form-results button").click()
    assert "Đã nhập 1 kết quả" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "testing-lab.png"), full_page=True)

    # The citizen looks the result up on their phone.
    caplog.set_level("INFO")
    citizen = browser.browser.new_context(locale="vi-VN", viewport=PHONE).new_page()
    citizen.goto(live_server.url + reverse("testing:lookup"))
    citizen.fill("#id_code", "th-0002")
    citizen.fill("#id_phone", "0912345678")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Tra cứu").click()
    assert "Âm tính" in citizen.locator("#result").inner_text()
    citizen.screenshot(path=str(screenshot_dir / "testing-lookup-phone.png"), full_page=True)
    # The certificate: the one-time code to the phone on record (core's citizen check), then the PDF.
    with citizen.expect_navigation():
        citizen.locator("#certificate").click()
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Gửi mã").click()
    # The console SMS backend logs what it sends (the stored text is wiped once sent).
    citizen.fill("#id_code", re.findall(r"SMS to .*?\b(\d{6})\b", caplog.text)[-1])
    citizen.screenshot(path=str(screenshot_dir / "testing-citizen-check-phone.png"), full_page=True)
    with citizen.expect_download() as download:
        citizen.get_by_role("button", name="Xác minh").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "c")], check=True)
    png = sorted(tmp_path.glob("c*.png"))[0]
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout
    hc1 = next(line for line in scanned.splitlines() if line.startswith("HC1:"))
    assert certificate_selectors.certificate_verify(hc1).valid
    shutil.copy(png, screenshot_dir / "testing-certificate.png")
    citizen.goto(live_server.url + reverse("testing:lookup"))
    citizen.fill("#id_code", "TH-0002")
    citizen.fill("#id_phone", "0912345679")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Tra cứu").click()
    assert citizen.locator("#lookup-error").is_visible() and citizen.locator("#result").count() == 0
    citizen.context.close()


def test_case_tracing_and_f1_notification(
    browser, live_server, site, lab, campaign, agency, make_user, dong_son, screenshot_dir
):
    point = make_checkpoint(agency)
    yesterday = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=1)
    visit(point, at=yesterday, **person_n(1))
    visit(point, at=yesterday + datetime.timedelta(minutes=5), **person_n(2))
    received(site, lab, ["F0-0001"])
    services.results_enter(
        actor=SYSTEM,
        lab=lab,
        rows=[services.ResultRow(code="F0-0001", outcome="positive", verified_by="BS. Lê")],
    )
    case = Case.objects.get()
    epi = make_user(Role.EPIDEMIOLOGIST, units=[dong_son])
    page = browser.new_page()
    login(page, live_server.url, epi.username, reverse("testing:cases"))
    with page.expect_navigation():
        page.get_by_role("link", name=f"F0 #{case.pk}").click()
    page.fill("#id_purpose", "Truy vết F0 tại chợ")
    with page.expect_navigation():
        page.get_by_role("button", name="Truy vết").click()
    assert page.locator("#mark input[name=person]").count() == 1
    page.select_option("#id_campaign", str(campaign.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Xác định F1 và gửi tin nhắn").click()
    assert "Đã gửi tin nhắn" in page.locator("#f1").inner_text()
    page.screenshot(path=str(screenshot_dir / "testing-case-f1.png"), full_page=True)
    contact = Contact.objects.get()
    assert contact.notified_at and contact.purpose == "Truy vết F0 tại chợ"
    assert list(OutboundMessage.objects.values_list("purpose", "recipient")) == [
        ("testing.f1_notice", "0912000002")
    ]


@pytest.fixture
def lab_file_form(browser, live_server, site, lab, make_user, dong_son, tmp_path, settings):
    """A lab officer's admin import form filled in with a file of 5 results, above the
    background threshold (2 rows): sending it creates a job."""
    from django.utils import timezone

    settings.IMPORT_BACKGROUND_ROWS = 2
    codes = [f"KQ-{n:04d}" for n in range(1, 6)]
    received(site, lab, codes)
    when = f"{timezone.localtime() - datetime.timedelta(hours=1):%Y-%m-%d %H:%M}"
    csv = tmp_path / "ket-qua.csv"
    csv.write_text(
        "ma_mau,ket_qua,thoi_diem_ket_qua,nguoi_xac_nhan\n"
        + "".join(f"{c},âm tính,{when},BS. Lê Thị Hoa\n" for c in codes),
        encoding="utf-8",
    )
    page = browser.new_page()
    login(page, live_server.url, make_user(Role.LAB_STAFF, units=[dong_son]).username, "/admin/")
    page.goto(live_server.url + reverse("admin:testing_labresult_import"))
    page.set_input_files("#id_import_file", str(csv))
    page.select_option("#id_format", label="csv")
    page.select_option("#id_target", str(lab.pk))
    return page


def test_a_large_lab_file_in_the_admin_checked_then_imported_with_its_progress_page(
    lab_file_form, screenshot_dir
):
    from core.models import ImportJob
    from testing.models import LabResult

    page = lab_file_form  # the worker's tasks run eagerly at commit in tests
    with page.expect_navigation():
        page.locator("input[type=submit]").first.click()
    job = ImportJob.objects.get()
    assert page.url.endswith(reverse("admin:testing_labresult_import_job", args=[job.pk]))
    assert "5 dòng mới sẽ được nhập" in page.locator("#job-summary").inner_text()
    page.screenshot(path=str(screenshot_dir / "testing-import-job-checked.png"), full_page=True)
    assert not LabResult.objects.exists()
    with page.expect_navigation():
        page.locator("#job-confirm").click()
    assert "Đã nhập 5 dòng mới" in page.locator("#job-summary").inner_text()
    page.screenshot(path=str(screenshot_dir / "testing-import-job-done.png"), full_page=True)
    assert LabResult.objects.count() == 5


@pytest.mark.postgres  # the worker runs in this thread while the live server answers the page
@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker and page: two connections")
def test_a_large_files_page_follows_the_worker_by_itself(lab_file_form, screenshot_dir, monkeypatch):
    """With a real worker's pace (not run at commit): the page waits, shows the worker's stage
    and count while it runs, and turns into the outcome by its own refresh, with no click."""
    from unittest import mock

    from core import imports
    from core.models import ImportJob
    from core.services import import_job_run
    from core.services import import_jobs as jobs
    from core.tasks import run_import_job
    from testing.models import LabResult

    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    page = lab_file_form
    queue: list[int] = []  # what the broker would hold: the worker below takes it
    with mock.patch.object(run_import_job, "delay", side_effect=queue.append):
        with page.expect_navigation():
            page.locator("input[type=submit]").first.click()
        assert "Đang chờ máy chủ xử lý" in page.locator("#job-progress").inner_text()
        assert page.locator("meta[http-equiv=refresh]").count() == 1
        page.screenshot(path=str(screenshot_dir / "testing-import-job-queued.png"), full_page=True)

        seen: list[str] = []
        report = jobs._report

        def worker_reports(job, stage, done, total):
            report(job, stage, done, total)
            if not seen:  # the worker pauses at its first report until the page has shown it
                page.wait_for_selector("#job-progress progress", timeout=15_000)
                seen.append(page.locator("#job-progress").inner_text())
                page.screenshot(path=str(screenshot_dir / "testing-import-job-running.png"), full_page=True)

        monkeypatch.setattr(jobs, "_report", worker_reports)
        import_job_run(job_id=queue.pop())
        assert "Đã đọc: 2/5 dòng" in seen[-1]
        page.wait_for_selector("#job-confirm", timeout=15_000)  # the page's own refresh
        assert "5 dòng mới sẽ được nhập" in page.locator("#job-summary").inner_text()
        assert page.locator("meta[http-equiv=refresh]").count() == 0
        with page.expect_navigation():
            page.locator("#job-confirm").click()
        assert "Đã xác nhận, chờ nhập" in page.locator("#job-status").inner_text()
        import_job_run(job_id=queue.pop())
        page.wait_for_selector("text=Đã nhập 5 dòng mới", timeout=15_000)
    assert LabResult.objects.count() == 5 and ImportJob.objects.get().status == ImportJob.Status.DONE
