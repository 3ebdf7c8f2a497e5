"""Screening, the dose record, the post-vaccination observation, and the certificate.

Impossible records are refused with a message the vaccinator can act on (docs/vaccination.md):
a dose before the minimum interval, an expired or recalled lot, a lot not at that site, a dose
number that does not follow the person's last dose, a dose without a screening that allows it.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import services as certificate_services
from certificates.dcc import payload
from certificates.models import IssuedCertificate
from core import rollups
from core.audit import audit
from core.models import Person
from vaccination import selectors
from vaccination.capabilities import VaccinationCap
from vaccination.models import (
    Appointment,
    Dose,
    Lot,
    Screening,
    ScreeningQuestion,
    Session,
    Site,
    StockMovement,
)
from vaccination.retention import DOSE_ROLLUP
from vaccination.services._common import Actor, human, require, site_for
from vaccination.services.stock import lot_usable_problem, stock_take

# The worst outcome wins: one "contraindicated" answer outweighs any number of "caution".
_SEVERITY = [
    Screening.Outcome.CONTRAINDICATED,
    Screening.Outcome.REFER,
    Screening.Outcome.POSTPONE,
    Screening.Outcome.CAUTION,
]


def screening_outcome(positive_codes: Iterable[str]) -> str:
    """The decision the checklist gives for the questions answered "yes"."""
    outcomes = set(
        ScreeningQuestion.objects.filter(code__in=list(positive_codes)).values_list("if_yes", flat=True)
    )
    for outcome in _SEVERITY:
        if outcome in outcomes:
            return outcome
    return Screening.Outcome.ELIGIBLE


def screening_record(
    *,
    actor: Actor,
    person: Person,
    site: Site,
    positive: Iterable[str],
    note: str = "",
    at: datetime.datetime | None = None,
) -> Screening:
    """The screening checklist's answers (codes answered "yes") and the decision they give;
    ``at`` for a paper record entered afterwards."""
    require(actor, VaccinationCap.ADMINISTER)
    site = site_for(actor, site)
    codes = sorted(set(positive))
    known = set(selectors.screening_questions_active().values_list("code", flat=True))
    if set(codes) - known:
        raise ValidationError(_("Câu hỏi khám sàng lọc không hợp lệ."))
    with transaction.atomic():
        screening = Screening.objects.create(
            person=person,
            site=site,
            positive=codes,
            outcome=screening_outcome(codes),
            note=" ".join(note.split())[:300],
            by=human(actor),
            at=at or timezone.now(),
        )
        audit(
            actor=actor,
            action="screening.record",
            target=screening,
            details={"person_id": person.pk, "outcome": screening.outcome},
        )
    return screening


def series_primary_doses(previous: list[Dose], lot: Lot) -> int:
    """The primary series is the first product's (a one-dose product completes it at dose 1)."""
    return previous[0].vaccine.primary_doses if previous else lot.vaccine.primary_doses


def next_due_date(
    *, dose_number: int, primary_doses: int, lot: Lot, day: datetime.date
) -> datetime.date | None:
    vaccine = lot.vaccine
    if dose_number < primary_doses:
        return day + datetime.timedelta(days=vaccine.recommended_interval_days)
    if dose_number - primary_doses < vaccine.max_boosters:
        return day + datetime.timedelta(days=vaccine.booster_min_interval_days)
    return None


def check_dose(
    *, lot: Lot, dose_number: int, at: datetime.datetime, previous: list[Dose], historical: bool = False
) -> int:
    """Refuses an impossible record; returns the series' primary dose count. A ``historical``
    dose (a file from the national platform) was given in the past: its lot must not have been
    recalled before it nor expired on its day, whatever the lot's state today."""
    if historical:
        if lot.recalled_at is not None and lot.recalled_at <= at:
            raise ValidationError(_("Lô %(number)s đã bị thu hồi trước ngày tiêm.") % {"number": lot.number})
    elif problem := lot_usable_problem(lot):
        raise ValidationError(problem)
    if lot.expiry_date < timezone.localtime(at).date():
        raise ValidationError(_("Lô %(number)s đã hết hạn vào ngày tiêm.") % {"number": lot.number})
    expected = (previous[-1].dose_number + 1) if previous else 1
    if dose_number != expected:
        raise ValidationError(
            _(
                "Mũi số %(number)s không đúng thứ tự: người này đã tiêm %(done)s mũi, "
                "mũi tiếp theo là mũi %(next)s."
            )
            % {"number": dose_number, "done": len(previous), "next": expected}
        )
    primary = series_primary_doses(previous, lot)
    if previous:
        last = previous[-1]
        if dose_number <= primary:
            days = last.vaccine.min_interval_days
        else:
            days = lot.vaccine.booster_min_interval_days
            if dose_number - primary > lot.vaccine.max_boosters:
                raise ValidationError(_("Người này đã tiêm đủ số mũi nhắc lại."))
        earliest = timezone.localtime(last.administered_at).date() + datetime.timedelta(days=days)
        if timezone.localtime(at).date() < earliest:
            raise ValidationError(
                _(
                    "Chưa đủ khoảng cách tối thiểu %(days)s ngày từ mũi trước (%(last)s): "
                    "tiêm sớm nhất ngày %(earliest)s."
                )
                % {
                    "days": days,
                    "last": f"{timezone.localtime(last.administered_at):%d/%m/%Y}",
                    "earliest": f"{earliest:%d/%m/%Y}",
                }
            )
    return primary


def _staff_name(actor: Actor) -> str:
    """A user's name in Vietnamese order (family name first), else their username."""
    full = f"{getattr(actor, 'last_name', '')} {getattr(actor, 'first_name', '')}".strip()
    return full or getattr(actor, "username", "") or str(actor)


def dose_record(
    *,
    actor: Actor,
    person: Person,
    site: Site,
    lot: Lot,
    dose_number: int,
    screening: Screening,
    session: Session | None = None,
    administered_at: datetime.datetime | None = None,
    vaccinator_name: str = "",
    observation_minutes: int = 30,
) -> Dose:
    """Records an administered dose, takes it from the site's stock, computes the next due date."""
    require(actor, VaccinationCap.ADMINISTER)
    site = site_for(actor, site)
    lot = Lot.objects.select_related("vaccine").get(pk=lot.pk)  # the caller's copy may predate a recall
    at = administered_at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(_("Thời điểm tiêm không được ở tương lai."))
    if screening.person_id != person.pk or screening.site_id != site.pk:
        raise ValidationError(_("Phiếu khám sàng lọc không phải của người này tại điểm tiêm này."))
    if not screening.allows_vaccination:
        raise ValidationError(
            _("Kết luận khám sàng lọc: %(outcome)s. Không tiêm.")
            % {"outcome": screening.get_outcome_display()}
        )
    if abs(at - screening.at) > datetime.timedelta(hours=12):
        raise ValidationError(
            _("Phiếu khám sàng lọc không phải của buổi tiêm này: vui lòng khám sàng lọc lại.")
        )
    if session is not None and (session.site_id != site.pk or session.vaccine_id != lot.vaccine_id):
        raise ValidationError(_("Lô vắc xin hoặc điểm tiêm không khớp với buổi tiêm."))
    if not 5 <= int(observation_minutes) <= 240:
        raise ValidationError(_("Thời gian theo dõi sau tiêm phải từ 5 đến 240 phút."))
    name = " ".join((vaccinator_name or _staff_name(actor)).split())
    try:
        with transaction.atomic():
            # One person's doses are numbered in order: lock them so two records cannot interleave.
            Person.objects.select_for_update().filter(pk=person.pk).first()
            previous = list(
                Dose.objects.filter(person=person).select_related("vaccine").order_by("dose_number")
            )
            primary = check_dose(lot=lot, dose_number=dose_number, at=at, previous=previous)
            stock_take(site, lot, 1)
            dose = Dose.objects.create(
                person=person,
                vaccine=lot.vaccine,
                lot=lot,
                dose_number=dose_number,
                series_doses=primary,
                administered_at=at,
                site=site,
                session=session,
                screening=screening,
                vaccinator=human(actor),
                vaccinator_name=name[:120],
                observation_minutes=int(observation_minutes),
                next_due_date=next_due_date(
                    dose_number=dose_number, primary_doses=primary, lot=lot, day=timezone.localtime(at).date()
                ),
            )
            StockMovement.objects.create(
                site=site,
                lot=lot,
                kind=StockMovement.Kind.USED,
                quantity=-1,
                session=session,
                by=human(actor),
            )
            if session is not None:
                Appointment.objects.filter(
                    session=session, person=person, status=Appointment.Status.BOOKED
                ).update(status=Appointment.Status.ATTENDED)
            rollups.mark_stale(DOSE_ROLLUP, timezone.localdate(at))  # a back-dated record is recounted
            audit(
                actor=actor,
                action="dose.record",
                target=dose,
                details={
                    "person_id": person.pk,
                    "lot_id": lot.pk,
                    "site_id": site.pk,
                    "dose_number": dose_number,
                },
            )
    except IntegrityError as exc:  # the same dose number recorded at once elsewhere
        raise ValidationError(_("Mũi tiêm này vừa được ghi nhận. Vui lòng tải lại trang.")) from exc
    return dose


def observation_end(*, actor: Actor, dose: Dose, at: datetime.datetime | None = None) -> Dose:
    """Records the end of the post-vaccination observation (not before its minimum)."""
    require(actor, VaccinationCap.ADMINISTER)
    dose = selectors.access_dose(actor, dose.pk)
    at = at or timezone.now()
    if dose.observation_ended_at is not None:
        raise ValidationError(_("Đã ghi nhận kết thúc theo dõi sau tiêm."))
    if at < dose.observation_due_at:
        raise ValidationError(
            _("Chưa đủ %(minutes)s phút theo dõi sau tiêm (đến %(time)s).")
            % {
                "minutes": dose.observation_minutes,
                "time": f"{timezone.localtime(dose.observation_due_at):%H:%M}",
            }
        )
    with transaction.atomic():
        Dose.objects.filter(pk=dose.pk).update(observation_ended_at=at)
        dose.observation_ended_at = at
        audit(actor=actor, action="dose.observation_end", target=dose)
    return dose


def dose_certificate_issue(*, actor: Actor, dose: Dose) -> IssuedCertificate:
    """The EU DCC vaccination certificate of the person's latest dose (``certificates`` signs it
    and writes the audit row ``certificate.issue``). A booster is n/n (EU DCC guidelines)."""
    dose = selectors.access_dose(actor, dose.pk)
    latest = selectors.doses_of(dose.person_id).last()
    if latest is None or latest.pk != dose.pk:
        raise ValidationError(_("Chứng nhận được cấp cho mũi tiêm gần nhất của người này."))
    first = selectors.doses_of(dose.person_id).first()
    primary = first.vaccine.primary_doses if first else dose.vaccine.primary_doses
    entry = payload.vaccination_entry(
        product=dose.vaccine.product_code,
        manufacturer=dose.vaccine.manufacturer_code,
        prophylaxis=dose.vaccine.prophylaxis_code,
        dose=dose.dose_number,
        doses=max(primary, dose.dose_number),
        date=timezone.localtime(dose.administered_at).date(),
    )
    with transaction.atomic():
        certificate = certificate_services.certificate_issue(
            actor=actor, person=dose.person, kind=IssuedCertificate.Kind.VACCINATION, entry=entry
        )
        Dose.objects.filter(pk=dose.pk).update(certificate=certificate)
    return certificate
