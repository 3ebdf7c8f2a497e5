"""Sampling sites, labs and campaigns (issue point 1)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AdministrativeUnit, Organization
from testing.capabilities import TestingCap
from testing.models import Campaign, Lab, SamplingSite, Setting
from testing.services._common import Actor, in_scope, require


def site_create(
    *,
    actor: Actor,
    name: str,
    unit: AdministrativeUnit,
    setting: str = Setting.COMMUNITY,
    address: str = "",
    hours: str = "",
) -> SamplingSite:
    require(actor, TestingCap.MANAGE)
    in_scope(actor, unit)
    if not name.strip():
        raise ValidationError(_("Vui lòng nhập tên điểm lấy mẫu."))
    with transaction.atomic():
        site = SamplingSite.objects.create(
            name=name.strip(), unit=unit, setting=setting, address=address.strip(), hours=hours.strip()
        )
        audit(actor=actor, action="samplingsite.create", target=site, details={"unit_id": unit.pk})
    return site


def lab_create(
    *, actor: Actor, name: str, unit: AdministrativeUnit, organization: Organization | None = None
) -> Lab:
    require(actor, TestingCap.MANAGE)
    in_scope(actor, unit)
    if not name.strip():
        raise ValidationError(_("Vui lòng nhập tên phòng xét nghiệm."))
    with transaction.atomic():
        lab = Lab.objects.create(name=name.strip(), unit=unit, organization=organization)
        audit(actor=actor, action="lab.create", target=lab, details={"unit_id": unit.pk})
    return lab


def campaign_create(
    *,
    actor: Actor,
    name: str,
    unit: AdministrativeUnit,
    starts_on: datetime.date,
    ends_on: datetime.date,
    target_population: int,
) -> Campaign:
    require(actor, TestingCap.MANAGE)
    in_scope(actor, unit)
    if ends_on < starts_on:
        raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if target_population <= 0:
        raise ValidationError(_("Số người cần lấy mẫu phải lớn hơn 0."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name.strip(),
            unit=unit,
            starts_on=starts_on,
            ends_on=ends_on,
            target_population=target_population,
        )
        audit(actor=actor, action="campaign.create", target=campaign, details={"unit_id": unit.pk})
    return campaign
