"""Stock per site: receipts, transfers, wastage; the one way doses leave the shelf.

Stock never goes negative under concurrent use: a decrement is one conditional UPDATE
(``quantity >= n``) that either takes the doses or changes nothing, so two vaccinators taking
the last dose at once cannot both succeed; the database's check constraint
(``stock_never_negative``) refuses a negative quantity whatever a caller does.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from vaccination.capabilities import VaccinationCap
from vaccination.models import Lot, Session, Site, Stock, StockMovement
from vaccination.services._common import Actor, human, require, site_for


def lot_usable_problem(lot: Lot) -> str:
    """Why ``lot`` may not be used today, or ""."""
    if lot.recalled_at is not None:
        return _("Lô %(number)s đã bị thu hồi, không được sử dụng.") % {"number": lot.number}
    if lot.is_expired(timezone.localdate()):
        return _("Lô %(number)s đã hết hạn sử dụng (%(date)s).") % {
            "number": lot.number,
            "date": f"{lot.expiry_date:%d/%m/%Y}",
        }
    return ""


def _positive(quantity: int) -> int:
    if quantity is None or int(quantity) <= 0:
        raise ValidationError(_("Số liều phải lớn hơn 0."))
    return int(quantity)


def stock_add(site: Site, lot: Lot, quantity: int) -> None:
    """Adds doses (the row is created once; concurrent adds are one UPDATE each)."""
    Stock.objects.bulk_create([Stock(site=site, lot=lot, quantity=0)], ignore_conflicts=True)
    Stock.objects.filter(site=site, lot=lot).update(quantity=F("quantity") + quantity)


def stock_take(site: Site, lot: Lot, quantity: int) -> None:
    """Takes doses or refuses: one conditional UPDATE, never a read-then-write."""
    taken = Stock.objects.filter(site=site, lot=lot, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    )
    if not taken:
        if not Stock.objects.filter(site=site, lot=lot).exists():
            raise ValidationError(_("Lô %(number)s không có tại điểm tiêm này.") % {"number": lot.number})
        raise ValidationError(
            _("Lô %(number)s không còn đủ liều tại điểm tiêm này.") % {"number": lot.number}
        )


def stock_receive(*, actor: Actor, site: Site, lot: Lot, quantity: int, note: str = "") -> StockMovement:
    """Doses delivered to a site (from the provincial store or the national allocation)."""
    require(actor, VaccinationCap.MANAGE_STOCK)
    site = site_for(actor, site)
    quantity = _positive(quantity)
    lot = Lot.objects.get(pk=lot.pk)  # the caller's copy may predate a recall
    if problem := lot_usable_problem(lot):
        raise ValidationError(problem)
    with transaction.atomic():
        stock_add(site, lot, quantity)
        Lot.objects.filter(pk=lot.pk).update(quantity_received=F("quantity_received") + quantity)
        movement = StockMovement.objects.create(
            site=site,
            lot=lot,
            kind=StockMovement.Kind.RECEIPT,
            quantity=quantity,
            note=note[:300],
            by=human(actor),
        )
        audit(
            actor=actor,
            action="stock.receive",
            target=movement,
            details={"site_id": site.pk, "lot_id": lot.pk},
        )
    return movement


def stock_transfer(*, actor: Actor, source: Site, target: Site, lot: Lot, quantity: int) -> StockMovement:
    """Moves doses between sites: out of the source (refused without enough) and into the target."""
    require(actor, VaccinationCap.MANAGE_STOCK)
    source = site_for(actor, source)
    quantity = _positive(quantity)
    if source.pk == target.pk:
        raise ValidationError(_("Điểm nhận phải khác điểm chuyển."))
    if not target.is_active:
        raise ValidationError(_("Điểm nhận đã ngừng hoạt động."))
    with transaction.atomic():
        stock_take(source, lot, quantity)
        stock_add(target, lot, quantity)
        out = StockMovement.objects.create(
            site=source,
            lot=lot,
            kind=StockMovement.Kind.TRANSFER_OUT,
            quantity=-quantity,
            note=str(target.pk),
            by=human(actor),
        )
        StockMovement.objects.create(
            site=target,
            lot=lot,
            kind=StockMovement.Kind.TRANSFER_IN,
            quantity=quantity,
            note=str(source.pk),
            by=human(actor),
        )
        audit(
            actor=actor,
            action="stock.transfer",
            target=out,
            details={
                "from_site_id": source.pk,
                "to_site_id": target.pk,
                "lot_id": lot.pk,
                "quantity": quantity,
            },
        )
    return out


def stock_waste(
    *,
    actor: Actor,
    site: Site,
    lot: Lot,
    quantity: int,
    reason: str,
    note: str = "",
    session: Session | None = None,
) -> StockMovement:
    """Doses destroyed or lost, with the reason (broken, cold chain, expired, recalled...)."""
    require(actor, VaccinationCap.MANAGE_STOCK)
    site = site_for(actor, site)
    quantity = _positive(quantity)
    if reason not in StockMovement.WastageReason.values:
        raise ValidationError(_("Vui lòng chọn lý do hủy."))
    with transaction.atomic():
        stock_take(site, lot, quantity)
        movement = StockMovement.objects.create(
            site=site,
            lot=lot,
            kind=StockMovement.Kind.WASTAGE,
            quantity=-quantity,
            reason=reason,
            note=note[:300],
            session=session,
            by=human(actor),
        )
        audit(
            actor=actor,
            action="stock.waste",
            target=movement,
            details={"site_id": site.pk, "lot_id": lot.pk, "quantity": quantity, "reason": reason},
        )
    return movement
