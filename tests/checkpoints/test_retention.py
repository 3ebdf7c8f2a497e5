"""The retention registry (core.retention): one cut-off, boundaries per category, deletion order."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import ForeignKey
from django.test import override_settings

from checkpoints.models import CheckIn, CheckinDailyStat
from core import retention
from core import services as core_services
from core.models import AuditLog, CitizenCheck, Person
from core.tasks import purge_expired
from declarations.models import Declaration
from tests.actors import SYSTEM
from tests.checkpoints.conftest import visit
from tests.core.fixtures import person_data

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# 00:30 in Hồ Chí Minh City is still 9 March in UTC: a cut-off taken from the UTC date would be a
# day early, one from ``now - N days`` half an hour late; both fail the boundaries below.
NOW = datetime.datetime(2026, 3, 10, 0, 30, tzinfo=HCM)
# 21 days before 10 March: local midnight starting 17 February.
CUTOFF = datetime.datetime(2026, 2, 17, 0, 0, tzinfo=HCM)
SECOND = datetime.timedelta(seconds=1)


def _checkin(checkpoint, when):
    row = visit(checkpoint, at=when, id_number="", phone=f"09{when.timestamp() % 10**8:08.0f}")[0]
    return CheckIn, row.pk


def _declaration(checkpoint, when):
    row = visit(checkpoint, id_number="", phone=f"08{when.timestamp() % 10**8:08.0f}")[0]
    Declaration.objects.filter(pk=row.declaration_id).update(created_at=when)
    return Declaration, row.declaration_id


def _person(checkpoint, when):
    person, _ = core_services.person_resolve_for_visitor(
        data=person_data(id_number="", phone=f"07{when.timestamp() % 10**8:08.0f}")
    )
    Person.objects.filter(pk=person.pk).update(created_at=when)
    return Person, person.pk


def _appointment(checkpoint, when):
    from tests.vaccination.audit_cases import _session, _site
    from vaccination.models import Appointment
    from vaccination.services import appointment_book

    person, _ = core_services.person_resolve_for_visitor(
        data=person_data(id_number="", phone=f"05{when.timestamp() % 10**8:08.0f}")
    )
    appointment = appointment_book(actor=SYSTEM, session=_session(_site({})), person=person)
    Appointment.objects.filter(pk=appointment.pk).update(created_at=when)
    return Appointment, appointment.pk


def _citizen_check(checkpoint, when):
    person = core_services.person_create(
        actor=SYSTEM, data=person_data(id_number="", phone=f"06{when.timestamp() % 10**8:08.0f}")
    )
    check = core_services.citizen_check_start(actor=SYSTEM, person=person, purpose="test")
    CitizenCheck.objects.filter(pk=check.pk).update(created_at=when)
    return CitizenCheck, check.pk


def _import_job(checkpoint, when):
    from django.contrib.auth import get_user_model

    from core.models import ImportJob

    user, _ = get_user_model().objects.get_or_create(username="importer")
    job = ImportJob.objects.create(
        resource="testing.imports.LabResultResource",
        target_key="lab",
        target_id=1,
        target_label="Lab",
        user=user,
        file_name="kq.csv",
        rows=1,
        status=ImportJob.Status.DONE,
        created_at=when,
    )
    return ImportJob, job.pk


from tests.testing.retention_rows import ROW_AT as TESTING_ROW_AT  # noqa: E402

# A row of each category with a period, created at a given instant. A new app adds its own.
ROW_AT = {
    "core.citizencheck": _citizen_check,
    "core.importjob": _import_job,
    "checkpoints.checkin": _checkin,
    "declarations.declaration": _declaration,
    "core.person": _person,
    **TESTING_ROW_AT,
    "vaccination.appointment": _appointment,
}


def test_every_category_with_a_period_has_a_boundary_case():
    with_period = {c.name for c in retention.categories() if not c.kept}
    assert with_period == set(ROW_AT), "add a row factory for each category to ROW_AT"


def test_the_cut_off_is_local_midnight_of_today_minus_n_days():
    assert retention.cutoff(21, NOW) == CUTOFF
    # One minute before local midnight it is still 9 March: the cut-off is a day earlier.
    assert retention.cutoff(21, NOW - datetime.timedelta(minutes=31)) == CUTOFF - datetime.timedelta(days=1)


@pytest.mark.parametrize("category", sorted(ROW_AT))
@override_settings(
    CHECKIN_RETENTION_DAYS=21,
    DECLARATION_RETENTION_DAYS=21,
    PERSON_RETENTION_DAYS=21,
    TESTING_SAMPLE_RETENTION_DAYS=21,
    TESTING_CASE_RETENTION_DAYS=21,
    APPOINTMENT_RETENTION_DAYS=21,
    CITIZEN_CHECK_RETENTION_DAYS=21,
    IMPORT_JOB_RETENTION_DAYS=21,
)
def test_boundary(category, checkpoint):
    """One second inside the period is kept, one second outside is purged."""
    model, outside = ROW_AT[category](checkpoint, CUTOFF - SECOND)
    _model, inside = ROW_AT[category](checkpoint, CUTOFF + SECOND)
    deleted = core_services.retention_purge(actor=SYSTEM, category=category, now=NOW, batch_size=1)
    assert not model.objects.filter(pk=outside).exists()
    assert model.objects.filter(pk=inside).exists()
    assert deleted == 1
    row = AuditLog.objects.filter(details__category=category).latest("id")
    assert row.details["cutoff"] == CUTOFF.isoformat() and row.details["deleted"] == 1


def test_dependents_are_deleted_first():
    """A category whose model refers to another category's model comes before it."""
    by_model: dict[type, list[retention.Category]] = {}
    for category in retention.categories():
        if not category.kept:
            by_model.setdefault(category.get_model(), []).append(category)
    for category in retention.categories():
        if category.kept:
            continue
        for field in category.get_model()._meta.get_fields():
            if isinstance(field, ForeignKey) and field.related_model in by_model:
                for target in by_model[field.related_model]:
                    if target.model == category.model:
                        continue  # a self-reference (a merged person's tombstone)
                    assert category.order < target.order, (
                        f"{category.name} must be purged before {target.name}"
                    )


def test_categories_kept_as_legal_records_are_never_purged(checkpoint):
    kept = [c for c in retention.categories() if c.kept]
    assert {"core.auditlog", "checkpoints.checkin_daily"} <= {c.name for c in kept}
    assert all(c.cutoff(NOW) is None for c in kept)
    before = AuditLog.objects.count()
    assert core_services.retention_purge(actor=SYSTEM, category="core.auditlog") == 0
    assert AuditLog.objects.count() == before + 1  # only the purge's own audit row


@override_settings(CHECKIN_RETENTION_DAYS=21, DECLARATION_RETENTION_DAYS=7)
def test_a_shorter_declaration_retention_keeps_the_check_ins_and_their_counts(checkpoint):
    """The declaration → check-in reference no longer cascades: a declaration deleted at its
    retention leaves its check-in (kept for its own period), and the check-in is counted."""
    ten_days_ago = datetime.datetime.now(HCM) - datetime.timedelta(days=10)
    row = visit(checkpoint, at=ten_days_ago, symptoms=["fever"])[0]
    Declaration.objects.filter(pk=row.declaration_id).update(created_at=ten_days_ago)
    result = purge_expired()
    assert result["declarations.declaration"] == 1 and result["checkpoints.checkin"] == 0
    kept = CheckIn.objects.get(pk=row.pk)
    assert kept.declaration_id is None and kept.is_flagged
    # When the check-in's own retention ends, its roll-up still counts it (and its risk).
    later = datetime.datetime.now(HCM) + datetime.timedelta(days=15)
    assert core_services.retention_purge(actor=SYSTEM, category="checkpoints.checkin", now=later) == 1
    stat = CheckinDailyStat.objects.get(checkpoint=checkpoint, day=ten_days_ago.date())
    assert (stat.total, stat.flagged) == (1, 1)


def test_the_nightly_task_purges_in_deletion_order(checkpoint):
    names = [c.name for c in retention.categories() if not c.kept]
    assert (
        names.index("checkpoints.checkin")
        < names.index("declarations.declaration")
        < names.index("core.person")
    )
    assert list(purge_expired()) == names


@override_settings(CHECKIN_RETENTION_DAYS=14)
def test_the_retention_page_shows_officials_what_is_kept_for_how_long(client, make_user):
    from core.roles import Role

    client.force_login(make_user(Role.DISTRICT_OFFICIAL))
    page = client.get("/portal/luu-tru-du-lieu/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Lượt vào điểm kiểm dịch" in page and "14 ngày" in page
    assert "Lưu như hồ sơ pháp lý" in page and "chưa kiểm chứng" in page
    assert "Số lượt theo điểm kiểm dịch và ngày" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/portal/luu-tru-du-lieu/").content.decode()
    assert "14 days" in english and "not verified" in english


def test_the_purge_and_the_fold_are_scheduled():
    from celery.schedules import crontab
    from django.conf import settings

    from config.celery_app import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["core-retention"]["task"] == "core.tasks.purge_expired" in app.tasks
    assert schedule["core-rollups"]["task"] == "core.tasks.fold_rollups" in app.tasks
    nightly, hourly = schedule["core-retention"]["schedule"], schedule["core-rollups"]["schedule"]
    assert isinstance(nightly, crontab) and isinstance(hourly, crontab)
    assert (nightly.hour, nightly.minute) == ({2}, {30})  # type: ignore[attr-defined]
    assert hourly.minute == {15} and len(hourly.hour) == 24  # type: ignore[attr-defined]
    # The three per-app purge entries are gone: one nightly purge walks every category.
    assert not {"checkpoints-retention", "declarations-retention", "core-purge-orphan-people"} & set(schedule)
