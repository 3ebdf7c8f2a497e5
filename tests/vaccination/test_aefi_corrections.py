"""Adverse events (serious ones alert at once; lot counts flag a lot) and corrections (verified,
applied with old and new values audited, the certificate revoked and re-issued)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from certificates import selectors as certificate_selectors
from certificates.models import IssuedCertificate
from core import services as core_services
from core.models import AuditLog, OutboundMessage
from core.roles import Role
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import person_data, sweeps_after
from tests.vaccination.conftest import ago, give, make_lot
from vaccination import selectors, services, tasks
from vaccination.models import AdverseEvent, CorrectionRequest, Dose, Stock


def report(dose, seriousness="not_serious", actor=SYSTEM):
    return services.aefi_report(
        actor=actor,
        dose=dose,
        onset_at=dose.administered_at + datetime.timedelta(minutes=1),
        symptoms="Sốt, đau tại chỗ tiêm",
        seriousness=seriousness,
    )


@override_settings(AEFI_ALERT_EMAILS=["giamsat@soyte.example.invalid"])
def test_a_serious_event_alerts_the_units_officials_and_the_department_once(
    person, site, lot, staff, make_user, dong_son, django_capture_on_commit_callbacks
):
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    official.email = "ubnd.dongson@example.invalid"
    official.save()
    dose = give(person, site, lot)
    with django_capture_on_commit_callbacks(execute=True):
        report(dose, actor=staff)  # a common reaction: no alert
    assert not OutboundMessage.objects.filter(purpose="vaccination.aefi_serious").exists()
    with django_capture_on_commit_callbacks(execute=True):
        event = report(dose, seriousness="hospitalisation", actor=staff)
    alerts = OutboundMessage.objects.filter(purpose="vaccination.aefi_serious")
    assert sorted(alerts.values_list("recipient", flat=True)) == [
        "giamsat@soyte.example.invalid",
        "ubnd.dongson@example.invalid",
    ]
    assert lot.number in alerts[0].body and "Nguyễn" not in alerts[0].body  # no name in an email
    assert tasks.alert_serious_aefi(event.pk) == 0  # a retried task alerts nobody twice
    assert AuditLog.objects.filter(action="aefi.report", target_id=str(event.pk)).exists()


def test_the_person_reports_their_own_event_and_onset_must_follow_the_dose(person, site, lot):
    dose = give(person, site, lot)
    event = report(dose, actor=VISITOR)
    assert event.channel == "person" and event.causality == "pending"
    with pytest.raises(ValidationError, match="khởi phát"):
        services.aefi_report(
            actor=VISITOR,
            dose=dose,
            onset_at=dose.administered_at - datetime.timedelta(hours=1),
            symptoms="Sốt",
            seriousness="not_serious",
        )
    classified = services.aefi_classify(actor=SYSTEM, event=event, causality="anxiety", outcome="recovered")
    row = AuditLog.objects.get(action="aefi.classify")
    assert row.details["before"]["causality"] == "pending" and classified.causality == "anxiety"


@override_settings(AEFI_LOT_SERIOUS_THRESHOLD=2, AEFI_LOT_RATE_PER_10000=20000)
def test_lot_counts_flag_a_lot_with_unusual_reports(site, lot):
    calm = make_lot(number="CALM", site=site, quantity=10)
    crowd = [
        core_services.person_create(
            actor=SYSTEM, data=person_data(id_number=f"03809000{i:04d}", phone=f"09300{i:05d}")
        )
        for i in range(4)
    ]
    doses = [give(p, site, lot) for p in crowd[:3]] + [give(crowd[3], site, calm)]
    report(doses[0], "hospitalisation")
    report(doses[1], "life_threatening")
    report(doses[3], "not_serious")
    rows = {r["lot"].number: r for r in selectors.lot_aefi_counts()}
    assert rows["AZ001"]["flagged"] and rows["AZ001"]["serious"] == 2 and rows["AZ001"]["doses"] == 3
    assert not rows["CALM"]["flagged"] and rows["CALM"]["events"] == 1


def test_a_wrong_lot_is_corrected_with_audit_and_the_certificate_is_reissued(
    person, site, lot, staff, province_trusted
):
    right = make_lot(number="AZ002", site=site, quantity=10)
    dose = give(person, site, lot, actor=staff)
    old = services.dose_certificate_issue(actor=staff, dose=dose)
    request = services.correction_request(
        actor=VISITOR,
        person=person,
        site=site,
        kind="wrong_lot",
        dose=dose,
        lot=right,
        note="Sổ ghi lô AZ002",
    )
    assert selectors.correction_backlog_per_site(staff)[0]["pending"] == 1
    services.correction_decide(actor=staff, request=request, apply=True)
    dose.refresh_from_db()
    assert dose.lot == right
    assert Stock.objects.get(site=site, lot=lot).quantity == 100  # the wrong lot's dose is back
    assert Stock.objects.get(site=site, lot=right).quantity == 9
    row = AuditLog.objects.get(action="correction.apply")
    assert row.details["before"] == {"lot_id": lot.pk} and row.details["after"] == {"lot_id": right.pk}
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert not certificate_selectors.certificate_verify(old.qr_text).valid
    new = IssuedCertificate.objects.get(revoked_at__isnull=True)
    assert Dose.objects.get(pk=dose.pk).certificate == new
    assert certificate_selectors.certificate_verify(new.qr_text).valid
    assert selectors.correction_backlog_per_site(staff) == []
    with pytest.raises(ValidationError, match="đã được xử lý"):
        services.correction_decide(actor=staff, request=request, apply=True)


def test_a_missing_dose_and_a_wrong_date_are_corrected(person, site, lot, staff):
    first = give(person, site, lot, at=ago(100))
    give(person, site, lot, dose_number=2, at=ago(40))
    missing = services.correction_request(
        actor=staff,
        person=person,
        site=site,
        kind="missing_dose",
        lot=lot,
        administered_on=timezone.localdate(),
    )
    services.correction_decide(actor=staff, request=missing, apply=True)
    assert list(Dose.objects.filter(person=person).values_list("dose_number", flat=True)) == [1, 2, 3]
    day = timezone.localdate() - datetime.timedelta(days=90)
    wrong_date = services.correction_request(
        actor=VISITOR, person=person, site=site, kind="wrong_date", dose=first, administered_on=day
    )
    services.correction_decide(actor=staff, request=wrong_date, apply=True)
    assert timezone.localtime(Dose.objects.get(pk=first.pk).administered_at).date() == day
    impossible = services.correction_request(
        actor=VISITOR,
        person=person,
        site=site,
        kind="wrong_date",
        dose=first,
        administered_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError, match="giữa ngày"):
        services.correction_decide(actor=staff, request=impossible, apply=True)
    rejected = services.correction_decide(
        actor=staff, request=impossible, apply=False, note="Sổ tiêm chủng ghi đúng"
    )
    assert rejected.status == CorrectionRequest.Status.REJECTED


def test_staff_of_another_district_cannot_decide(person, site, lot, make_user, sam_son):
    dose = give(person, site, lot)
    outsider = make_user(Role.VACCINATION_STAFF, units=[sam_son])
    request = services.correction_request(
        actor=VISITOR,
        person=person,
        site=site,
        kind="wrong_date",
        dose=dose,
        administered_on=timezone.localdate(),
    )
    from django.http import Http404

    with pytest.raises(Http404):
        services.correction_decide(actor=outsider, request=request, apply=True)
    assert CorrectionRequest.objects.get(pk=request.pk).status == "pending"
    assert not AdverseEvent.objects.exists()


def test_the_pages_show_the_flagged_lot_and_the_backlog(client, person, site, lot, staff):
    dose = give(person, site, lot)
    client.force_login(staff)
    response = client.post(
        f"/portal/vaccination/doses/{dose.pk}/aefi/",
        {
            "onset_at": timezone.localtime(dose.administered_at).strftime("%Y-%m-%dT%H:%M"),
            "symptoms": "Khó thở",
            "seriousness": "life_threatening",
            "outcome": "recovering",
        },
    )
    assert response.status_code == 302
    assert AdverseEvent.objects.get().seriousness == "life_threatening"
    page = client.get("/portal/vaccination/aefi/").content.decode()
    assert "AZ001" in page and "Đe dọa tính mạng" in page
    day = timezone.localdate()
    services.correction_request(
        actor=VISITOR, person=person, site=site, kind="wrong_date", dose=dose, administered_on=day
    )
    page = client.get("/portal/vaccination/corrections/").content.decode()
    assert site.name in page and person.full_name in page


def test_the_person_asks_for_a_correction_and_reports_a_reaction_after_the_check(client, person, site, lot):
    import re

    from tests.vaccination.test_sessions import make_session

    right = make_lot(number="AZ009", site=site, quantity=5)
    session = make_session(site)
    appointment = services.appointment_book(actor=VISITOR, session=session, person=person)
    dose = give(person, site, lot, session=session)
    base = f"/tiem-chung/lich-hen/{appointment.code}"
    data = {"kind": "wrong_lot", "dose": dose.pk, "lot_number": "az009", "note": "Phiếu tiêm ghi AZ009"}
    assert client.post(f"{base}/dinh-chinh/", data)["Location"].endswith("/xac-minh/")
    assert not CorrectionRequest.objects.exists()  # nothing before the check
    client.post(f"{base}/xac-minh/", {"send": "1"})
    sms = OutboundMessage.objects.filter(purpose="citizen_check").latest("id")
    client.post(f"{base}/xac-minh/", {"code": re.search(r"\b(\d{6})\b", sms.body).group(1)})  # type: ignore[union-attr]
    assert "Hồ sơ tiêm chủng của tôi" in client.get(f"{base}/ho-so/").content.decode()
    client.post(f"{base}/dinh-chinh/", data)
    request = CorrectionRequest.objects.get()
    assert (request.kind, request.lot, request.site, request.dose) == ("wrong_lot", right, site, dose)
    onset = timezone.localtime(dose.administered_at).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"{base}/phan-ung/",
        {
            "dose": dose.pk,
            "onset_at": onset,
            "symptoms": "Sốt",
            "seriousness": "not_serious",
            "outcome": "recovered",
        },
    )
    assert AdverseEvent.objects.get().channel == "person"


@override_settings(AEFI_ALERT_EMAILS=["giamsat@soyte.example.invalid"], STALLED_ALERT_SECONDS=300)
def test_a_serious_event_whose_alert_never_reached_the_broker_is_alerted_by_the_sweep_once(
    person, site, lot, staff, caplog, django_capture_on_commit_callbacks
):
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    dose = give(person, site, lot)
    with (
        mock.patch("vaccination.tasks.alert_serious_aefi.delay", side_effect=BrokerDown("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event = report(dose, seriousness="life_threatening", actor=staff)  # stored, not raised
    assert "could not publish vaccination.tasks.alert_serious_aefi" in caplog.text
    first, second = sweeps_after(300, django_capture_on_commit_callbacks)
    assert first == {"aefi_alert": [event.pk]} and second == {}
    assert OutboundMessage.objects.filter(purpose="vaccination.aefi_serious").count() == 1
    assert AuditLog.objects.filter(action="aefi_alert.redispatch", target_id=str(event.pk)).exists()
