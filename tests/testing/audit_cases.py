"""Audit cases of the testing services (tests/core/test_audit.py runs them)."""

import datetime
import functools

from django.utils import timezone

from core.models import Person
from core.roles import Role
from testing import intake, services
from testing.models import Case, Contact
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import first_ward, person_data

NOT_SERVICES = {
    # Pure functions and reads the services use; the services' rows cover them.
    "testing.services.confirms",
    "testing.services.confirm_from_result",  # a step of results_enter, named in its row
    "testing.services.notice_text",
    "testing.services.trace_window",
    "testing.services.check_result_rows",
    "testing.services.check_numbered_rows",  # the check of results_enter and results_import
    "testing.services.confirm_from_results",  # a step of the result services, named in their rows
    "testing.services.store_results",  # the write step of results_enter / results_import
    "testing.services.result_key",
    "testing.services.code_taken_message",
    "testing.services.clean_code",
    "testing.services.in_scope",
    "testing.services.result_text",
}


def _site():
    return services.site_create(actor=SYSTEM, name="Trạm", unit=first_ward("405"))


def _lab(ctx):
    return services.lab_create(actor=SYSTEM, name="Lab", unit=ctx["dong_son"])


def _sample(site, code, n=1, lab=None):
    sample, _ = intake.collect(
        actor=SYSTEM,
        site=site,
        person=person_data(full_name=f"Người {n}", id_number=f"03808500{n:04d}", phone=f"091200{n:04d}"),
        code=code,
        sample_type="np",
        test_kind="rt_pcr",
    )
    if lab is not None:
        services.samples_receive(actor=SYSTEM, lab=lab, codes=[code])
    return sample


def _pool(ctx, outcome=""):
    site, lab = _site(), _lab(ctx)
    _sample(site, "A-0001", 1, lab)
    _sample(site, "A-0002", 2, lab)
    pool = services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=["A-0001", "A-0002"])
    if outcome:
        services.pool_result_enter(actor=SYSTEM, pool=pool, outcome=outcome, verified_by="x")
    return lab, pool


def _case(ctx):
    site = _site()
    sample = _sample(site, "A-0001", 1)
    return Case.objects.create(
        person_id=sample.person_id,
        unit=site.unit,
        confirmed_on=timezone.localdate(),
        source=sample,
        found_in="community",
    ), _sample(site, "A-0002", 2).person_id


def _collect(ctx):
    site = _site()
    _sample(site, "A-0001", 1)
    person = Person.objects.get()
    return lambda: services.sample_collect(
        actor=SYSTEM, person=person, site=site, code="A-0002", sample_type="np", test_kind="rt_pcr"
    )


def _receive(ctx):
    site, lab = _site(), _lab(ctx)
    _sample(site, "A-0001")
    return lambda: services.samples_receive(actor=SYSTEM, lab=lab, codes=["A-0001"])


def _reject(ctx):
    sample = _sample(_site(), "A-0001", lab=_lab(ctx))
    return lambda: services.sample_reject(actor=SYSTEM, sample=sample, reason="too_old")


def _pool_create(ctx):
    site, lab = _site(), _lab(ctx)
    _sample(site, "A-0001", 1, lab)
    _sample(site, "A-0002", 2, lab)
    return lambda: services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=["A-0001", "A-0002"])


def _pool_result(ctx):
    _unused, pool = _pool(ctx)
    return lambda: services.pool_result_enter(actor=SYSTEM, pool=pool, outcome="positive", verified_by="x")


def _pool_correct(ctx):
    _unused, pool = _pool(ctx, "negative")
    return lambda: services.pool_result_correct(
        actor=SYSTEM, pool=pool, outcome="positive", verified_by="x", reason="nhầm"
    )


def _results(ctx):
    lab = _lab(ctx)
    _sample(_site(), "A-0001", lab=lab)
    return lambda: services.results_enter(
        actor=SYSTEM, lab=lab, rows=[services.ResultRow(code="A-0001", outcome="positive", verified_by="x")]
    )


def _results_import(ctx):
    from core.imports import Parsed

    lab = _lab(ctx)
    _sample(_site(), "A-0001", lab=lab)
    _sample(_site(), "A-0002", 2, lab=lab)
    rows = [
        Parsed(2, services.ResultRow(code="A-0001", outcome="positive", verified_by="x")),
        Parsed(3, services.ResultRow(code="A-0002", outcome="negative", verified_by="x")),
    ]
    return lambda: services.results_import(actor=SYSTEM, lab=lab, rows=rows)  # one row for the batch


def _mark(ctx):
    case, other = _case(ctx)
    return lambda: services.contacts_mark(actor=SYSTEM, case=case, person_ids=[other], purpose="truy vết")


def _notify(ctx):
    case, other = _case(ctx)
    contact = Contact.objects.create(case=case, person_id=other, purpose="truy vết")
    epi = ctx["make_user"](Role.EPIDEMIOLOGIST, province_wide=True)
    return lambda: services.contact_notify(actor=epi, contact=contact)


def _result_send(ctx):
    lab = _lab(ctx)
    sample = _sample(_site(), "A-0001", lab=lab)
    services.results_enter(
        actor=SYSTEM, lab=lab, rows=[services.ResultRow(code="A-0001", outcome="negative", verified_by="x")]
    )
    sample.refresh_from_db()
    return lambda: services.result_send(actor=VISITOR, sample=sample)


def _certificate(ctx):
    from certificates import services as certificate_services
    from certificates.signing import province_signer
    from tests.certificates.conftest import pem

    certificate_services.signer_upload(
        actor=SYSTEM, data=pem(province_signer().certificate), country="VN", own_province=True
    )
    lab = _lab(ctx)
    sample = _sample(_site(), "A-0001", lab=lab)
    services.results_enter(
        actor=SYSTEM, lab=lab, rows=[services.ResultRow(code="A-0001", outcome="negative", verified_by="x")]
    )
    sample.refresh_from_db()
    return lambda: services.result_certificate(actor=VISITOR, sample=sample)


SERVICE_CASES = {
    "testing.services.result_certificate": _certificate,
    "testing.services.result_send": _result_send,
    "testing.services.site_create": lambda ctx: (
        lambda: services.site_create(actor=SYSTEM, name="Trạm", unit=ctx["dong_son"])
    ),
    "testing.services.lab_create": lambda ctx: (
        lambda: services.lab_create(actor=SYSTEM, name="Lab", unit=ctx["dong_son"])
    ),
    "testing.services.campaign_create": lambda ctx: (
        lambda: services.campaign_create(
            actor=SYSTEM,
            name="Đợt 1",
            unit=ctx["dong_son"],
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 1, 5),
            target_population=100,
        )
    ),
    "testing.services.sample_collect": _collect,
    "testing.services.samples_receive": _receive,
    "testing.services.sample_reject": _reject,
    "testing.services.pool_create": _pool_create,
    "testing.services.pool_result_enter": _pool_result,
    "testing.services.pool_result_correct": _pool_correct,
    "testing.services.results_enter": _results,
    "testing.services.results_import": _results_import,
    "testing.services.contacts_mark": _mark,
    "testing.services.contact_notify": _notify,
}


# The background import jobs are core's (core/services/import_jobs.py); their cases need a lab.
def _job(ctx, status=""):
    from core import services as core_services
    from core.models import ImportJob
    from testing.imports import LabResultResource

    lab = _lab(ctx)
    _sample(_site(), "A-0001", lab=lab)
    user = ctx["make_user"](Role.LAB_STAFF, province_wide=True)
    content = b"ma_mau,ket_qua,thoi_diem_ket_qua,nguoi_xac_nhan\nA-0001,am,2026-01-01 08:00,x\n"
    create = functools.partial(
        core_services.import_job_create,
        actor=user,
        resource=LabResultResource,
        target=lab,
        content=content,
        file_name="kq.csv",
        rows=1,
    )
    if not status:
        return create
    job = create()
    ImportJob.objects.filter(pk=job.pk).update(status=status)
    job.refresh_from_db()
    if status == ImportJob.Status.CHECKED:
        return lambda: core_services.import_job_confirm(actor=user, job=job)
    return lambda: core_services.import_job_run(job_id=job.pk)  # the check: its own row only


SERVICE_CASES.update(
    {
        "core.services.import_job_create": _job,
        "core.services.import_job_confirm": lambda ctx: _job(ctx, "checked"),
        "core.services.import_job_run": lambda ctx: _job(ctx, "queued"),
    }
)
