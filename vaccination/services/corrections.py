"""Corrections: a person asks to correct a wrong record (wrong lot, wrong date, a missing dose);
staff at the site verify and apply it. The audit row keeps the old and the new values; a
certificate already issued is revoked and a new one issued (docs/vaccination.md)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import services as certificate_services
from core import rollups
from core.actors import is_visitor
from core.audit import audit
from core.models import Person
from vaccination import selectors
from vaccination.capabilities import VaccinationCap
from vaccination.models import CorrectionRequest, Dose, Lot, Site, StockMovement
from vaccination.retention import DOSE_ROLLUP
from vaccination.services._common import Actor, human, require, site_for
from vaccination.services.administration import dose_certificate_issue
from vaccination.services.stock import stock_add, stock_take

Kind = CorrectionRequest.Kind


def correction_request(
    *,
    actor: Actor,
    person: Person,
    site: Site,
    kind: str,
    dose: Dose | None = None,
    lot: Lot | None = None,
    administered_on: datetime.date | None = None,
    note: str = "",
) -> CorrectionRequest:
    """The person (after the citizen check; the caller passes the person it found) or staff on
    their behalf. ``site`` is where the dose was given: its staff verify."""
    if not is_visitor(actor):
        require(actor, VaccinationCap.ADMINISTER)
        site_for(actor, site)
    if kind not in Kind.values:
        raise ValidationError(_("Vui lòng chọn nội dung cần đính chính."))
    if kind in (Kind.WRONG_LOT, Kind.WRONG_DATE) and (dose is None or dose.person_id != person.pk):
        raise ValidationError(_("Vui lòng chọn mũi tiêm cần đính chính."))
    if kind in (Kind.WRONG_LOT, Kind.MISSING_DOSE) and lot is None:
        raise ValidationError(_("Vui lòng chọn lô vắc xin đúng."))
    if kind in (Kind.WRONG_DATE, Kind.MISSING_DOSE) and administered_on is None:
        raise ValidationError(_("Vui lòng nhập ngày tiêm đúng."))
    if administered_on is not None and administered_on > timezone.localdate():
        raise ValidationError(_("Ngày tiêm không được ở tương lai."))
    with transaction.atomic():
        request = CorrectionRequest.objects.create(
            person=person,
            site=site,
            dose=dose if kind != Kind.MISSING_DOSE else None,
            kind=kind,
            lot=lot,
            administered_on=administered_on,
            note=" ".join(note.split())[:500],
        )
        audit(
            actor=actor,
            action="correction.request",
            target=request,
            details={"person_id": person.pk, "site_id": site.pk, "kind": kind},
        )
    return request


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _apply(actor: Actor, request: CorrectionRequest) -> tuple[Dose, dict, dict]:
    if request.kind == Kind.MISSING_DOSE:
        assert request.lot is not None and request.administered_on is not None
        previous = list(selectors.doses_of(request.person_id))
        dose = Dose.objects.create(
            person=request.person,
            vaccine=request.lot.vaccine,
            lot=request.lot,
            dose_number=(previous[-1].dose_number + 1) if previous else 1,
            series_doses=previous[0].series_doses if previous else request.lot.vaccine.primary_doses,
            administered_at=_noon(request.administered_on),
            site=request.site,
            vaccinator=None,
            vaccinator_name=_("Bổ sung theo đề nghị đính chính"),
        )
        return dose, {}, {"dose_id": dose.pk, "lot_id": dose.lot_id, "date": str(request.administered_on)}
    assert request.dose_id is not None
    dose = Dose.objects.select_for_update().get(pk=request.dose_id)
    if request.kind == Kind.WRONG_LOT:
        assert request.lot is not None
        if request.lot.vaccine_id != dose.vaccine_id:
            raise ValidationError(_("Lô đúng phải cùng loại vắc xin với mũi tiêm."))
        before: dict[str, Any] = {"lot_id": dose.lot_id}
        after: dict[str, Any] = {"lot_id": request.lot.pk}
        # The dose came from the right lot: the wrong lot's shelf gets its dose back.
        stock_add(dose.site, dose.lot, 1)
        stock_take(dose.site, request.lot, 1)
        for lot, quantity in ((dose.lot, 1), (request.lot, -1)):
            StockMovement.objects.create(
                site=dose.site,
                lot=lot,
                kind=StockMovement.Kind.CORRECTION,
                quantity=quantity,
                by=human(actor),
            )
        dose.lot = request.lot
        dose.save(update_fields=["lot"])
        return dose, before, after
    assert request.administered_on is not None
    neighbours = Dose.objects.filter(person_id=dose.person_id).exclude(pk=dose.pk)
    earlier = neighbours.filter(dose_number__lt=dose.dose_number).order_by("-dose_number").first()
    later = neighbours.filter(dose_number__gt=dose.dose_number).order_by("dose_number").first()
    day = request.administered_on
    if (earlier and day <= timezone.localtime(earlier.administered_at).date()) or (
        later and day >= timezone.localtime(later.administered_at).date()
    ):
        raise ValidationError(_("Ngày tiêm đúng phải nằm giữa ngày của mũi trước và mũi sau."))
    before = {"administered_at": dose.administered_at.isoformat()}
    dose.administered_at = _noon(request.administered_on)
    dose.save(update_fields=["administered_at"])
    return dose, before, {"administered_at": dose.administered_at.isoformat()}


def correction_decide(
    *, actor: Actor, request: CorrectionRequest, apply: bool, note: str = ""
) -> CorrectionRequest:
    """Staff of the site verify: apply (the record changes, old and new values audited; a
    certificate already issued is revoked and re-issued) or reject with a note."""
    require(actor, VaccinationCap.ADMINISTER)
    site_for(actor, request.site)
    note = " ".join(note.split())
    if not apply and not note:
        raise ValidationError(_("Vui lòng ghi lý do không đính chính."))
    with transaction.atomic():
        request = (
            CorrectionRequest.objects.select_for_update(of=("self",))
            .select_related("lot__vaccine", "site")
            .get(pk=request.pk)
        )
        if request.status != CorrectionRequest.Status.PENDING:
            raise ValidationError(_("Đề nghị này đã được xử lý."))
        details: dict = {"kind": request.kind, "person_id": request.person_id}
        dose = None
        if apply:
            dose, before, after = _apply(actor, request)
            for value in (*before.values(), *after.values()):
                if isinstance(value, str) and len(value) >= 10:  # a date moved: both days recounted
                    rollups.mark_stale(DOSE_ROLLUP, datetime.date.fromisoformat(value[:10]))
            rollups.mark_stale(DOSE_ROLLUP, timezone.localdate(dose.administered_at))
            details.update({"dose_id": dose.pk, "before": before, "after": after})
        request.status = CorrectionRequest.Status.APPLIED if apply else CorrectionRequest.Status.REJECTED
        request.decided_at, request.decided_by, request.decision_note = (
            timezone.now(),
            human(actor),
            note[:500],
        )
        request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        audit(
            actor=actor,
            action="correction.apply" if apply else "correction.reject",
            target=request,
            reason=note,
            details=details,
        )
        if apply:
            _reissue(actor, request.person_id)
    return request


def _reissue(actor: Actor, person_id: int) -> None:
    """The person's current certificates are revoked; a new one is signed from the corrected
    record when one had been issued (each step audited by the certificates app)."""
    doses = list(selectors.doses_of(person_id).select_related("certificate"))
    issued = [d.certificate for d in doses if d.certificate is not None and d.certificate.revoked_at is None]
    if not issued:
        return
    for certificate in issued:
        certificate_services.certificate_revoke(
            actor=actor, certificate=certificate, reason=_("Cấp lại sau khi đính chính hồ sơ tiêm chủng")
        )
    Dose.objects.filter(person_id=person_id).update(certificate=None)
    dose_certificate_issue(actor=actor, dose=doses[-1])
