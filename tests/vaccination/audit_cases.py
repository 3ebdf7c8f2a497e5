"""Audit cases of the vaccination services (tests/core/test_audit.py runs them)."""

import datetime

from django.utils import timezone

from core import services as core_services
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import first_ward, person_data
from vaccination import services
from vaccination.models import Appointment, Vaccine

NOT_SERVICES = {
    "vaccination.services.lot_usable_problem",  # a check, no write
    "vaccination.services.next_due_date",  # pure computation
    "vaccination.services.screening_outcome",  # pure reading of the checklist
    "vaccination.services.appointments_due_for_reminder",  # a read for the reminder task
    # Steps of stock_receive / stock_transfer / dose_record / session_close, whose row covers them.
    "vaccination.services.stock_add",
    "vaccination.services.stock_take",
    "vaccination.services.aefi_alert_recipients",  # a read for the alert
    "vaccination.services.check_dose",  # the rules of dose_record and doses_import (no write)
    "vaccination.services.series_primary_doses",  # pure computation
    "vaccination.services.dose_key",  # pure: a list row's natural key
}


def _doses_import(ctx):
    from core.imports import Parsed

    site = services.site_create(actor=SYSTEM, name="Trạm", unit=first_ward("405"))
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    services.lot_create(
        actor=SYSTEM,
        vaccine=vaccine,
        number="IM1",
        expiry_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    rows = [
        Parsed(
            n + 2,
            services.DoseRow(
                person=person_data(id_number=f"03817000000{n}", phone=f"091300000{n}"),
                vaccine=vaccine.name,
                lot="IM1",
                dose_number=1,
                administered_at=timezone.now() - datetime.timedelta(days=3),
            ),
        )
        for n in range(2)
    ]
    return lambda: services.doses_import(actor=SYSTEM, site=site, rows=rows)  # one row for the batch


AZ = "Vaxzevria (AstraZeneca)"


def _site(ctx):
    return services.site_create(actor=SYSTEM, name="Trạm Y tế", unit=first_ward("405"))


def _lot(site=None, number="L1", quantity=50):
    lot = services.lot_create(
        actor=SYSTEM,
        vaccine=Vaccine.objects.get(name=AZ),
        number=number,
        expiry_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    if site is not None:
        services.stock_receive(actor=SYSTEM, site=site, lot=lot, quantity=quantity)
    return lot


def _person():
    return core_services.person_create(actor=SYSTEM, data=person_data(address_unit=first_ward("405")))


def _session(site, capacity=5):
    return services.session_create(
        actor=SYSTEM,
        site=site,
        date=timezone.localdate(),
        vaccine=Vaccine.objects.get(name=AZ),
        capacity=capacity,
    )


def _dose(site, lot, person=None, session=None):
    person = person or _person()
    screening = services.screening_record(actor=SYSTEM, person=person, site=site, positive=[])
    return services.dose_record(
        actor=SYSTEM, person=person, site=site, lot=lot, dose_number=1, screening=screening, session=session
    )


def _transfer(ctx):
    site = _site(ctx)
    other = services.site_create(actor=SYSTEM, name="Trạm khác", unit=first_ward("405"))
    lot = _lot(site)
    return lambda: services.stock_transfer(actor=SYSTEM, source=site, target=other, lot=lot, quantity=5)


def _session_close(ctx):
    site = _site(ctx)
    lot = _lot(site)
    session = _session(site)
    _dose(site, lot, session=session)
    return lambda: services.session_close(actor=SYSTEM, session=session, opened_vials={lot: 1})


def _book(ctx):
    session = _session(_site(ctx))
    person = _person()
    return lambda: services.appointment_book(actor=VISITOR, session=session, person=person)


def _cancel(ctx):
    appointment = _book(ctx)()
    return lambda: services.appointment_cancel(actor=VISITOR, appointment=appointment)


def _message(ctx):
    appointment: Appointment = _book(ctx)()
    return lambda: services.appointment_message_send(appointment_id=appointment.pk, kind="confirmation")


def _dose_record(ctx):
    site = _site(ctx)
    lot = _lot(site)
    person = _person()
    screening = services.screening_record(actor=SYSTEM, person=person, site=site, positive=[])
    return lambda: services.dose_record(
        actor=SYSTEM, person=person, site=site, lot=lot, dose_number=1, screening=screening
    )


def _observation(ctx):
    site = _site(ctx)
    dose = _dose(site, _lot(site))
    return lambda: services.observation_end(
        actor=SYSTEM, dose=dose, at=dose.administered_at + datetime.timedelta(minutes=30)
    )


def _certificate(ctx):
    from certificates import services as certificate_services
    from certificates.signing import province_signer
    from tests.certificates.conftest import pem

    certificate_services.signer_upload(
        actor=SYSTEM, data=pem(province_signer().certificate), country="VN", own_province=True
    )
    site = _site(ctx)
    dose = _dose(site, _lot(site))
    return lambda: services.dose_certificate_issue(actor=SYSTEM, dose=dose)


def _event(ctx, seriousness="not_serious"):
    site = _site(ctx)
    dose = _dose(site, _lot(site))
    return services.aefi_report(
        actor=SYSTEM,
        dose=dose,
        onset_at=dose.administered_at + datetime.timedelta(minutes=1),
        symptoms="Sốt",
        seriousness=seriousness,
    )


def _aefi_report(ctx):
    site = _site(ctx)
    dose = _dose(site, _lot(site))
    return lambda: services.aefi_report(
        actor=VISITOR, dose=dose, onset_at=dose.administered_at, symptoms="Sốt", seriousness="not_serious"
    )


def _correction(ctx):
    return _correction_case(ctx)()


def _correction_case(ctx):
    site = _site(ctx)
    dose = _dose(site, _lot(site))
    return lambda: services.correction_request(
        actor=VISITOR,
        person=dose.person,
        site=site,
        kind="wrong_date",
        dose=dose,
        administered_on=timezone.localdate(),
    )


SERVICE_CASES = {
    "vaccination.services.doses_import": _doses_import,
    "vaccination.services.aefi_report": _aefi_report,
    "vaccination.services.aefi_classify": lambda ctx: (
        lambda event: lambda: services.aefi_classify(actor=SYSTEM, event=event, causality="coincidental")
    )(_event(ctx)),
    # One recipient (AEFI_ALERT_EMAILS, no district official in the case): one message row.
    "vaccination.services.aefi_alert_send": lambda ctx: (
        lambda event: lambda: services.aefi_alert_send(event_id=event.pk)
    )(_event(ctx, "hospitalisation")),
    "vaccination.services.correction_request": _correction_case,
    # Without a certificate issued: the correction's own row (a re-issue adds revoke + issue rows).
    "vaccination.services.correction_decide": lambda ctx: (
        lambda request: lambda: services.correction_decide(actor=SYSTEM, request=request, apply=True)
    )(_correction(ctx)),
    "vaccination.services.vaccine_save": lambda ctx: (
        lambda: services.vaccine_save(actor=SYSTEM, name=AZ, doses_per_vial=8)
    ),
    "vaccination.services.lot_create": lambda ctx: lambda: _lot(),
    "vaccination.services.lot_recall": lambda ctx: (
        lambda lot: lambda: services.lot_recall(actor=SYSTEM, lot=lot, reason="Công văn thu hồi")
    )(_lot()),
    "vaccination.services.site_create": lambda ctx: lambda: _site(ctx),
    "vaccination.services.priority_group_save": lambda ctx: (
        lambda: services.priority_group_save(
            actor=SYSTEM, code="12", name="Người lao động tại khu công nghiệp", order=12
        )
    ),
    "vaccination.services.screening_question_save": lambda ctx: (
        lambda: services.screening_question_save(
            actor=SYSTEM, code="age_65", text="Từ 65 tuổi trở lên", if_yes="caution"
        )
    ),
    "vaccination.services.stock_receive": lambda ctx: (
        lambda site, lot: lambda: services.stock_receive(actor=SYSTEM, site=site, lot=lot, quantity=10)
    )(_site(ctx), _lot()),
    "vaccination.services.stock_transfer": _transfer,
    "vaccination.services.stock_waste": lambda ctx: (
        lambda site: (
            lambda lot: (
                lambda: services.stock_waste(actor=SYSTEM, site=site, lot=lot, quantity=1, reason="broken")
            )
        )(_lot(site))
    )(_site(ctx)),
    "vaccination.services.session_create": lambda ctx: (lambda site: lambda: _session(site))(_site(ctx)),
    "vaccination.services.session_close": _session_close,
    "vaccination.services.appointment_book": _book,
    "vaccination.services.appointment_cancel": _cancel,
    "vaccination.services.appointment_message_send": _message,
    "vaccination.services.screening_record": lambda ctx: (
        lambda site, person: (
            lambda: services.screening_record(actor=SYSTEM, person=person, site=site, positive=[])
        )
    )(_site(ctx), _person()),
    "vaccination.services.dose_record": _dose_record,
    "vaccination.services.observation_end": _observation,
    "vaccination.services.dose_certificate_issue": _certificate,
}
