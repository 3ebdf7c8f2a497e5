"""Collection, pooling, rejection and results through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from core.models import AuditLog, Person
from testing import intake, services
from testing.models import Case, LabResult, Sample, SamplePool, SamplingTask
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, person_data
from tests.testing.conftest import collect, person_n, received

pytestmark = pytest.mark.django_db


def test_a_returning_person_is_found_not_created_nor_overwritten(site):
    first = collect(site, "TH-0001", full_name="Nguyễn Văn An")
    again, created = intake.collect(
        actor=SYSTEM,
        site=site,
        person=person_data(full_name="Nguyen Van An", address_line="Khác"),
        code="TH-0002",
        sample_type="np",
        test_kind="rt_pcr",
    )
    assert not created and again.person_id == first.person_id
    person = Person.objects.get(pk=first.person_id)
    assert person.full_name == "Nguyễn Văn An" and person.address_line == ""


def test_a_specimen_code_used_twice_is_refused_and_stores_nothing(site):
    collect(site, "TH-0001")
    people = Person.objects.count()
    with pytest.raises(ValidationError, match="đã được dùng"):
        collect(site, "th-0001 ", **person_n(5))
    assert Sample.objects.count() == 1 and Person.objects.count() == people


def test_a_malformed_code_is_refused(site):
    with pytest.raises(ValidationError, match="không hợp lệ"):
        collect(site, "a b")


def test_collection_outside_the_collectors_units_is_refused(make_user, site, sam_son):
    from core.roles import Role

    outsider = make_user(Role.LAB_STAFF, units=[sam_son])
    with pytest.raises(PermissionDenied):
        collect(site, "TH-0009", actor=outsider)


def test_negative_pool_gives_each_member_negative_by_pool(site, lab):
    samples = received(site, lab, ["P-0001", "P-0002", "P-0003"])
    pool = services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=[s.code for s in samples])
    services.pool_result_enter(actor=SYSTEM, pool=pool, outcome="negative", verified_by="BS. Lê")
    results = LabResult.objects.filter(sample__in=samples)
    assert {r.outcome for r in results} == {"negative"} and {r.via for r in results} == {"pool"}
    assert set(Sample.objects.filter(pool=pool).values_list("status", flat=True)) == {"resulted"}


def test_positive_pool_resampling_then_individual_results_close_the_loop(site, lab):
    samples = received(site, lab, ["P-0001", "P-0002", "P-0003"])
    pool = services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=[s.code for s in samples])
    services.pool_result_enter(
        actor=SYSTEM, pool=pool, outcome="positive", verified_by="BS. Lê", ct_value=Decimal("28.5")
    )
    assert set(Sample.objects.filter(pool=pool).values_list("status", flat=True)) == {"pending"}
    tasks = SamplingTask.objects.filter(reason="pool", done_by__isnull=True)
    assert tasks.count() == 3 and not LabResult.objects.exists() and not Case.objects.exists()
    # Each member is re-sampled alone; the new sample closes the task.
    again = [collect(site, f"R-000{i}", **person_n(i)) for i in (1, 2, 3)]
    assert not tasks.exists()
    services.samples_receive(actor=SYSTEM, lab=lab, codes=[s.code for s in again])
    services.results_enter(
        actor=SYSTEM,
        lab=lab,
        rows=[
            services.ResultRow(code="R-0001", outcome="negative", verified_by="BS. Lê"),
            services.ResultRow(
                code="R-0002", outcome="positive", verified_by="BS. Lê", ct_value=Decimal("22")
            ),
            services.ResultRow(code="R-0003", outcome="negative", verified_by="BS. Lê"),
        ],
    )
    case = Case.objects.get()
    assert case.person_id == again[1].person_id and case.source_id == again[1].pk
    assert case.found_in == "community" and case.unit_id == site.unit_id


def test_a_pool_result_is_entered_once_and_corrected_with_a_reason(site, lab):
    samples = received(site, lab, ["P-0001", "P-0002"])
    pool = services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=[s.code for s in samples])
    services.pool_result_enter(actor=SYSTEM, pool=pool, outcome="negative", verified_by="BS. Lê")
    with pytest.raises(ValidationError, match="đã có kết quả"):
        services.pool_result_enter(actor=SYSTEM, pool=pool, outcome="positive", verified_by="BS. Lê")
    with pytest.raises(ValidationError, match="lý do"):
        services.pool_result_correct(
            actor=SYSTEM, pool=pool, outcome="positive", verified_by="BS. Lê", reason=" "
        )
    services.pool_result_correct(
        actor=SYSTEM, pool=pool, outcome="positive", verified_by="BS. Lê", reason="Nhập nhầm"
    )
    assert not LabResult.objects.exists()
    assert SamplingTask.objects.filter(reason="pool").count() == 2
    row = AuditLog.objects.get(action="pool.correct")
    assert row.reason == "Nhập nhầm" and row.details["from"] == "negative"


def test_a_sample_is_in_one_pool_only_and_pools_are_bounded(site, lab):
    samples = received(site, lab, [f"P-{i:04d}" for i in range(1, 7)])
    codes = [s.code for s in samples]
    services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=codes[:2])
    with pytest.raises(ValidationError, match="mẫu gộp khác"):
        services.pool_create(actor=SYSTEM, lab=lab, code="POOL-2", codes=codes[1:3])
    with override_settings(TESTING_POOL_SIZE=3), pytest.raises(ValidationError, match="tối đa 3"):
        services.pool_create(actor=SYSTEM, lab=lab, code="POOL-3", codes=codes[2:6])
    assert SamplePool.objects.count() == 1


def test_a_rejected_specimen_gets_a_reason_and_a_resampling_task(site, lab):
    (sample,) = received(site, lab, ["TH-0001"])
    with pytest.raises(ValidationError):
        services.sample_reject(actor=SYSTEM, sample=sample, reason="")
    services.sample_reject(actor=SYSTEM, sample=sample, reason="leaked")
    sample.refresh_from_db()
    assert sample.status == "rejected" and sample.rejection == "leaked"
    task = SamplingTask.objects.get(reason="rejected")
    assert task.origin_id == sample.pk and task.person_id == sample.person_id
    redo = collect(site, "TH-0002", **person_n(1))
    task.refresh_from_db()
    assert task.done_by_id == redo.pk


def test_receiving_an_unknown_code_stores_nothing(site, lab):
    collect(site, "TH-0001")
    with pytest.raises(ValidationError, match="TH-9999"):
        services.samples_receive(actor=SYSTEM, lab=lab, codes=["TH-0001", "TH-9999"])
    assert Sample.objects.get(code="TH-0001").status == "collected"


def test_one_bad_row_among_many_stores_no_result_and_names_its_row(site, lab):
    codes = [f"TH-{i:04d}" for i in range(1, 6)]
    received(site, lab, codes)
    rows = [services.ResultRow(code=c, outcome="negative", verified_by="BS. Lê") for c in codes]
    rows[3] = services.ResultRow(code="TH-9999", outcome="negative", verified_by="BS. Lê")
    rows.append(services.ResultRow(code="TH-0001", outcome="maybe", verified_by="BS. Lê"))
    with pytest.raises(ValidationError) as exc:
        services.results_enter(actor=SYSTEM, lab=lab, rows=rows)
    assert "Dòng 4: không có mẫu mã TH-9999." in exc.value.messages
    assert any(m.startswith("Dòng 6:") for m in exc.value.messages)
    assert not LabResult.objects.exists()


def test_a_positive_rapid_antigen_confirms_only_where_configured(site, lab):
    received(site, lab, ["AG-0001"], test_kind="antigen")
    services.results_enter(
        actor=SYSTEM,
        lab=lab,
        rows=[services.ResultRow(code="AG-0001", outcome="positive", verified_by="BS. Lê")],
    )
    assert not Case.objects.exists()
    with override_settings(TESTING_ANTIGEN_CONFIRMS=True):
        received(site, lab, ["AG-0002"], first=7, test_kind="antigen")
        services.results_enter(
            actor=SYSTEM,
            lab=lab,
            rows=[services.ResultRow(code="AG-0002", outcome="positive", verified_by="BS. Lê")],
        )
    assert Case.objects.count() == 1


def test_a_future_result_time_and_a_wild_ct_are_refused(site, lab):
    received(site, lab, ["TH-0001"])
    future = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    for row in (
        services.ResultRow(code="TH-0001", outcome="negative", verified_by="x", resulted_at=future),
        services.ResultRow(code="TH-0001", outcome="negative", verified_by="x", ct_value=Decimal(70)),
        services.ResultRow(code="TH-0001", outcome="negative", verified_by=" "),
    ):
        with pytest.raises(ValidationError):
            services.results_enter(actor=SYSTEM, lab=lab, rows=[row])


def test_campaign_sites_and_labs_stay_in_the_officials_units(make_user, sam_son, dong_son):
    from core.roles import Role

    official = make_user(Role.DISTRICT_OFFICIAL, units=[sam_son])
    with pytest.raises(PermissionDenied):
        services.site_create(actor=official, name="X", unit=first_ward("405"))
    site = services.site_create(actor=official, name="X", unit=sam_son)
    assert site.unit_id == sam_son.pk
