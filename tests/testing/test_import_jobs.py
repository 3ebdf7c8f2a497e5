"""A large lab file in the admin (issue 18 point 5, "progress shown for a large file"): checked
and imported by a worker, its progress and outcome on the job's page, imported once after the
sender confirms; the file's bytes dropped when done; only its sender sees it; a lost worker's
job is run again by the sweep, once."""

import datetime
import io

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from core import services as core_services
from core.actors import SystemActor
from core.models import AuditLog, ImportJob
from core.roles import Role
from core.selectors import import_job_progress
from testing.models import LabResult
from tests.testing.conftest import received
from tests.testing.test_imports import _csv, _rows, _when

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
IMPORT = reverse("admin:testing_labresult_import")


@pytest.fixture
def samples(site, lab):
    return received(site, lab, [f"KQ-{n:04d}" for n in range(1, 6)])


def _job_url(job, suffix=""):
    return reverse(f"admin:testing_labresult_import_job{suffix}", args=[job.pk])


def _send(client, lab, content: bytes, name: str = "kq.csv"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(IMPORT, {"import_file": upload, "format": "0", "target": lab.pk})


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_large_file_is_checked_then_imported_by_a_worker_after_the_senders_go_ahead(
    client, lab_user, lab, samples, django_capture_on_commit_callbacks
):
    client.force_login(lab_user)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's check (tasks run eagerly)
        sent = _send(client, lab, _csv(_rows([s.code for s in samples[:5]])))
    job = ImportJob.objects.get()
    assert sent.status_code == 302 and sent["Location"] == _job_url(job)
    assert job.status == ImportJob.Status.CHECKED and (job.created, job.unchanged) == (5, 0)
    assert not LabResult.objects.exists()  # the check stores nothing
    page = client.get(_job_url(job)).content.decode()
    assert "5 dòng mới sẽ được nhập" in page and 'id="job-confirm"' in page
    assert 'http-equiv="refresh"' not in page  # nothing running: the page stops refreshing
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(_job_url(job, "_confirm"))
    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created == 5 and job.content is None
    assert LabResult.objects.count() == 5
    assert "Đã nhập 5 dòng mới" in client.get(_job_url(job)).content.decode()
    progress = import_job_progress(job)
    assert progress is not None and progress["stage"] == "stored"
    actions = list(AuditLog.objects.filter(target_type="core.importjob").values_list("action", flat=True))
    assert {"importjob.create", "importjob.checked", "importjob.confirm", "importjob.done"} <= set(actions)
    assert AuditLog.objects.filter(action="labresult.import").count() == 1  # the import service's own row
    # Confirmed once: a second go-ahead is refused, nothing imported twice.
    again = client.post(_job_url(job, "_confirm"), follow=True)
    assert "không còn chờ xác nhận" in again.content.decode() and LabResult.objects.count() == 5


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_running_job_shows_its_progress_and_refreshes(client, lab_user, lab, samples):
    client.force_login(lab_user)
    _send(client, lab, _csv(_rows([s.code for s in samples[:5]])))  # its task not run yet
    job = ImportJob.objects.get()
    page = client.get(_job_url(job)).content.decode()
    assert job.status == ImportJob.Status.QUEUED and 'http-equiv="refresh"' in page
    assert "Đang chờ máy chủ xử lý" in page
    from core.services.import_jobs import _report

    _report(job, "read", 20_000, 100_000)
    page = client.get(_job_url(job)).content.decode()
    assert '<progress max="100000" value="20000">' in page and "Đã đọc: 20000/100000 dòng" in page


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_large_file_with_bad_rows_is_refused_with_every_line_and_stores_nothing(
    client, lab_user, lab, samples, django_capture_on_commit_callbacks
):
    client.force_login(lab_user)
    rows = [*_rows([s.code for s in samples[:4]]), ("KQ-9999", "âm tính", _when(), "", "BS. Lê")]
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, lab, _csv(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED and job.error_count == 1 and job.content is None
    page = client.get(_job_url(job)).content.decode()
    assert "Dòng 6: không có mẫu mã KQ-9999." in page and "Không lưu gì" in page
    assert 'id="job-confirm"' not in page and not LabResult.objects.exists()
    # The way back to the form comes before the list, which may run to hundreds of lines.
    assert page.index("Gửi tệp khác") < page.index('id="job-errors"')


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_job_writes_its_errors_in_the_senders_language(
    client, lab_user, lab, samples, django_capture_on_commit_callbacks
):
    client.force_login(lab_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [*_rows([s.code for s in samples[:4]]), ("KQ-9999", "âm tính", _when(), "", "BS. Lê")]
    with django_capture_on_commit_callbacks() as worker:
        _send(client, lab, _csv(rows))
    with translation.override("vi"):  # the worker's own language
        for task in worker:
            task()
    job = ImportJob.objects.get()
    assert job.language == "en" and job.status == ImportJob.Status.REFUSED
    assert job.errors == ["Row 6: no sample has the code KQ-9999."]


@override_settings(IMPORT_BACKGROUND_ROWS=100)
def test_a_small_file_keeps_the_preview_in_the_request(client, lab_user, lab, samples):
    client.force_login(lab_user)
    preview = _send(client, lab, _csv(_rows([s.code for s in samples[:5]])))
    assert preview.status_code == 200 and preview.context["confirm_form"] is not None
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_only_the_sender_sees_or_confirms_a_job(
    client, lab_user, make_user, lab, samples, django_capture_on_commit_callbacks
):
    client.force_login(lab_user)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, lab, _csv(_rows([s.code for s in samples[:5]])))
    job = ImportJob.objects.get()
    # The sender finds it again from the import form, after closing its page.
    form = client.get(IMPORT).content.decode()
    assert 'id="import-jobs"' in form and f'href="{_job_url(job)}"' in form
    # It names the file's columns as a lab writes them, not the model's fields.
    assert "<code>ma_mau, ket_qua, thoi_diem_ket_qua, gia_tri_ct, nguoi_xac_nhan</code>" in form
    assert "<code>ma_mau</code> / <code>Mã mẫu</code>" in form and "resulted_at" not in form
    other = make_user(Role.LAB_STAFF, province_wide=True)
    client.force_login(other)
    assert client.get(_job_url(job)).status_code == 404
    assert 'id="import-jobs"' not in client.get(IMPORT).content.decode()
    assert client.post(_job_url(job, "_confirm")).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and not LabResult.objects.exists()
    # Nor through another import's URL (the vaccination list's).
    client.force_login(lab_user)
    assert client.get(reverse("admin:vaccination_dose_import_job", args=[job.pk])).status_code in (403, 404)


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_job_whose_worker_died_is_run_again_once_by_the_sweep(
    client, lab_user, lab, samples, django_capture_on_commit_callbacks
):
    client.force_login(lab_user)
    _send(client, lab, _csv(_rows([s.code for s in samples[:5]])))
    job = ImportJob.objects.get()
    # A worker claimed the import and died: the job stays "importing" with an old claim.
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.IMPORTING, claimed_at=long_ago, confirmed_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True):
        resumed = core_services.stalled_work_resume(actor=SystemActor("celery:resume_stalled_work"))
    assert resumed == {"importjob_import": [job.pk]}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and LabResult.objects.count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        assert core_services.stalled_work_resume(actor=SystemActor("celery:resume_stalled_work")) == {}
    assert LabResult.objects.count() == 5


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_slow_run_whose_job_was_taken_rolls_its_work_back(client, lab_user, lab, samples, monkeypatch):
    client.force_login(lab_user)
    _send(client, lab, _csv(_rows([s.code for s in samples[:5]])))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CONFIRMED)
    from testing import services as testing_services

    real = testing_services.results_import

    def taken_meanwhile(**kwargs):
        summary = real(**kwargs)
        # Meanwhile the sweep gave the job to another run (its claim stamp changed).
        ImportJob.objects.filter(pk=job.pk).update(claimed_at=timezone.now() + datetime.timedelta(seconds=1))
        return summary

    monkeypatch.setattr(testing_services, "results_import", taken_meanwhile)
    core_services.import_job_run(job_id=job.pk)
    assert not LabResult.objects.exists()  # rolled back: the other run imports it
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING


@override_settings(IMPORT_MAX_FILE_BYTES=100)
def test_a_file_above_the_size_limit_is_refused_in_vietnamese(client, lab_user, lab, samples):
    client.force_login(lab_user)
    refused = _send(client, lab, _csv(_rows([s.code for s in samples[:5]])))
    assert refused.status_code == 200 and "Tệp quá lớn" in refused.content.decode()
    assert not ImportJob.objects.exists() and not LabResult.objects.exists()


@override_settings(IMPORT_BACKGROUND_ROWS=2)
def test_a_cell_with_a_nul_character_is_refused_with_its_line_not_a_system_error(
    client, lab_user, lab, samples, django_capture_on_commit_callbacks
):
    """A NUL in a cell ends up in the error that quotes it; PostgreSQL's JSON column refuses
    NUL, and the job used to fail as a system error instead of naming the line."""
    client.force_login(lab_user)
    rows = [*_rows([s.code for s in samples[:3]]), ("KQ-\x009999", "âm\x00 tính", _when(), "", "BS.\x00 Lê")]
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, lab, _csv(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED and job.error_count >= 1
    assert all(message.startswith("Dòng 5:") and "\x00" not in message for message in job.errors)
