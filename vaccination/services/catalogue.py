"""The catalogue: vaccines, lots (and their recall), vaccination sites."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.dcc import payload
from core.audit import audit
from core.models import AdministrativeUnit, Organization
from vaccination.capabilities import VaccinationCap
from vaccination.models import Lot, PriorityGroup, ScreeningQuestion, Site, Vaccine
from vaccination.services._common import Actor, require

VACCINE_FIELDS = (
    "product_code",
    "prophylaxis_code",
    "manufacturer_code",
    "primary_doses",
    "min_interval_days",
    "recommended_interval_days",
    "booster_min_interval_days",
    "max_boosters",
    "doses_per_vial",
)


def _check_codes(vaccine: Vaccine) -> None:
    entry = payload.vaccination_entry(
        product=vaccine.product_code,
        manufacturer=vaccine.manufacturer_code,
        prophylaxis=vaccine.prophylaxis_code,
        dose=1,
        doses=vaccine.primary_doses,
        date=datetime.date(2021, 1, 1),
    )
    unknown = payload.unknown_codes("vaccination", entry)
    if unknown:
        raise ValidationError(
            _("Mã không có trong danh mục EU DCC: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    if vaccine.recommended_interval_days < vaccine.min_interval_days:
        raise ValidationError(_("Khoảng cách khuyến cáo không được ngắn hơn khoảng cách tối thiểu."))


def vaccine_save(*, actor: Actor, name: str, **fields: object) -> Vaccine:
    """Creates or updates (by name) a product; its EU DCC codes must be in the value sets."""
    require(actor, VaccinationCap.MANAGE_CATALOGUE)
    unknown_fields = set(fields) - set(VACCINE_FIELDS) - {"is_active"}
    if unknown_fields:
        raise TypeError(f"unknown vaccine fields: {sorted(unknown_fields)}")
    with transaction.atomic():
        vaccine = Vaccine.objects.select_for_update().filter(name=name.strip()).first()
        created = vaccine is None
        vaccine = vaccine or Vaccine(name=name.strip())
        for key, value in fields.items():
            setattr(vaccine, key, value)
        _check_codes(vaccine)
        vaccine.save()
        audit(actor=actor, action="vaccine.create" if created else "vaccine.update", target=vaccine)
    return vaccine


def lot_create(*, actor: Actor, vaccine: Vaccine, number: str, expiry_date: datetime.date) -> Lot:
    require(actor, VaccinationCap.MANAGE_CATALOGUE)
    number = " ".join(number.split()).upper()
    if not number:
        raise ValidationError(_("Vui lòng nhập số lô."))
    if Lot.objects.filter(vaccine=vaccine, number=number).exists():
        raise ValidationError(_("Lô %(number)s của vắc xin này đã có.") % {"number": number})
    with transaction.atomic():
        lot = Lot.objects.create(vaccine=vaccine, number=number, expiry_date=expiry_date)
        audit(actor=actor, action="lot.create", target=lot, details={"vaccine_id": vaccine.pk})
    return lot


def lot_recall(*, actor: Actor, lot: Lot, reason: str) -> Lot:
    """A recalled lot can no longer be used anywhere (``dose_record`` refuses it)."""
    require(actor, VaccinationCap.MANAGE_CATALOGUE)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Vui lòng nhập lý do thu hồi lô."))
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        if lot.recalled_at is not None:
            raise ValidationError(_("Lô này đã bị thu hồi."))
        lot.recalled_at, lot.recall_reason = timezone.now(), reason[:300]
        lot.save(update_fields=["recalled_at", "recall_reason"])
        audit(actor=actor, action="lot.recall", target=lot, reason=reason)
    return lot


def site_create(
    *,
    actor: Actor,
    name: str,
    unit: AdministrativeUnit,
    organization: Organization | None = None,
    address_line: str = "",
) -> Site:
    require(actor, VaccinationCap.MANAGE_CATALOGUE)
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Vui lòng nhập tên điểm tiêm."))
    with transaction.atomic():
        site = Site.objects.create(
            name=name, unit=unit, organization=organization, address_line=" ".join(address_line.split())
        )
        audit(actor=actor, action="site.create", target=site, details={"unit_id": unit.pk})
    return site


def priority_group_save(
    *, actor: Actor, code: str, name: str, order: int = 0, is_active: bool = True
) -> PriorityGroup:
    """Creates or updates (by code) a priority group: the list is data officials keep current."""
    require(actor, VaccinationCap.MANAGE_CATALOGUE)
    code, name = code.strip(), " ".join(name.split())
    if not code or not name:
        raise ValidationError(_("Vui lòng nhập mã và tên nhóm ưu tiên."))
    with transaction.atomic():
        group, created = PriorityGroup.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "is_active": is_active}
        )
        audit(
            actor=actor, action="priority_group.create" if created else "priority_group.update", target=group
        )
    return group


def screening_question_save(
    *, actor: Actor, code: str, text: str, if_yes: str, order: int = 0, is_active: bool = True
) -> ScreeningQuestion:
    """Creates or updates (by code) a line of the screening checklist."""
    require(actor, VaccinationCap.MANAGE_CATALOGUE)
    code, text = code.strip(), " ".join(text.split())
    if not code or not text:
        raise ValidationError(_("Vui lòng nhập mã và nội dung câu hỏi."))
    if if_yes not in ScreeningQuestion.Outcome.values:
        raise ValidationError(_("Vui lòng chọn kết luận khi trả lời có."))
    with transaction.atomic():
        question, created = ScreeningQuestion.objects.update_or_create(
            code=code, defaults={"text": text, "if_yes": if_yes, "order": order, "is_active": is_active}
        )
        audit(
            actor=actor,
            action="screening_question.create" if created else "screening_question.update",
            target=question,
        )
    return question
