"""Sessions (buổi tiêm): planning, and closing with the opened multi-dose vials counted."""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from vaccination.capabilities import VaccinationCap
from vaccination.models import Dose, Lot, PriorityGroup, Session, Site, StockMovement, Vaccine
from vaccination.services._common import Actor, human, require, site_for
from vaccination.services.stock import stock_take


def session_create(
    *,
    actor: Actor,
    site: Site,
    date: datetime.date,
    vaccine: Vaccine,
    capacity: int,
    priority_groups: Iterable[PriorityGroup] = (),
    starts_at: datetime.time = datetime.time(7, 30),
    ends_at: datetime.time = datetime.time(16, 30),
) -> Session:
    require(actor, VaccinationCap.RUN_SESSIONS)
    site = site_for(actor, site)
    if capacity is None or int(capacity) <= 0:
        raise ValidationError(_("Số chỗ phải lớn hơn 0."))
    if date < timezone.localdate():
        raise ValidationError(_("Không thể tạo buổi tiêm cho ngày đã qua."))
    if ends_at <= starts_at:
        raise ValidationError(_("Giờ kết thúc phải sau giờ bắt đầu."))
    if not vaccine.is_active:
        raise ValidationError(_("Vắc xin này không còn được sử dụng."))
    with transaction.atomic():
        session = Session.objects.create(
            site=site,
            date=date,
            vaccine=vaccine,
            capacity=int(capacity),
            starts_at=starts_at,
            ends_at=ends_at,
        )
        session.priority_groups.set(list(priority_groups))
        audit(actor=actor, action="session.create", target=session, details={"site_id": site.pk})
    return session


def session_close(*, actor: Actor, session: Session, opened_vials: Mapping[Lot, int]) -> Session:
    """Ends a session. ``opened_vials``: how many vials of each lot were opened. The unused doses
    of opened multi-dose vials (vials × doses per vial − doses given from the lot) are recorded
    as wastage ("opened vial") and leave the stock; every lot used in the session must be counted."""
    require(actor, VaccinationCap.RUN_SESSIONS)
    site_for(actor, session.site)
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("site").get(pk=session.pk)
        if session.status == Session.Status.CLOSED:
            raise ValidationError(_("Buổi tiêm này đã kết thúc."))
        used = dict(
            Dose.objects.filter(session=session)
            .values_list("lot_id")
            .annotate(n=Count("id"))
            .values_list("lot_id", "n")
        )
        counted = {lot.pk: (lot, int(vials)) for lot, vials in opened_vials.items()}
        missing = set(used) - set(counted)
        if missing:
            numbers = ", ".join(sorted(Lot.objects.filter(pk__in=missing).values_list("number", flat=True)))
            raise ValidationError(_("Vui lòng nhập số lọ đã mở của lô: %(lots)s.") % {"lots": numbers})
        wasted: dict[str, int] = {}
        for lot_id, (lot, vials) in counted.items():
            if vials < 0:
                raise ValidationError(_("Số lọ đã mở không được âm."))
            unused = vials * lot.vaccine.doses_per_vial - used.get(lot_id, 0)
            if unused < 0:
                raise ValidationError(
                    _("Lô %(number)s: %(used)s liều đã tiêm nhưng chỉ mở %(vials)s lọ.")
                    % {"number": lot.number, "used": used.get(lot_id, 0), "vials": vials}
                )
            if unused:
                stock_take(session.site, lot, unused)
                StockMovement.objects.create(
                    site=session.site,
                    lot=lot,
                    kind=StockMovement.Kind.WASTAGE,
                    quantity=-unused,
                    reason=StockMovement.WastageReason.OPENED_VIAL,
                    session=session,
                    by=human(actor),
                )
                wasted[str(lot_id)] = unused
        session.status, session.closed_at = Session.Status.CLOSED, timezone.now()
        session.save(update_fields=["status", "closed_at"])
        audit(
            actor=actor,
            action="session.close",
            target=session,
            details={"doses": sum(used.values()), "wastage": wasted},
        )
    return session
