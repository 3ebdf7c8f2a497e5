"""Administrative units: loading the official lists, setting population figures."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors, unit_directory
from core.audit import audit
from core.capabilities import Cap
from core.models import (
    AdministrativeUnit,
)
from core.services._common import Actor, is_system, require


@dataclass(frozen=True)
class UnitRow:
    province_code: str
    province_name: str
    province_type: str
    ward_code: str
    ward_name: str
    ward_type: str
    district_code: str = ""
    district_name: str = ""
    district_type: str = ""


def units_load(*, actor: Actor, scheme: str, rows: Iterable[UnitRow]) -> int:
    """Loads (or refreshes the names of) one official list of units. Idempotent."""
    require(actor, Cap.EDIT_POPULATION)
    level = AdministrativeUnit.Level
    with transaction.atomic():
        existing = {
            (u.level, u.code): u
            for u in AdministrativeUnit.objects.filter(scheme=scheme).only("id", "level", "code")
        }
        created = 0

        def upsert(
            lvl: str, code: str, name: str, kind: str, parent: AdministrativeUnit | None
        ) -> AdministrativeUnit:
            nonlocal created
            unit = existing.get((lvl, code))
            if unit is None:
                unit = AdministrativeUnit.objects.create(
                    scheme=scheme, level=lvl, code=code, name=name, unit_type=kind, parent=parent
                )
                existing[(lvl, code)] = unit
                created += 1
            return unit

        pending: list[AdministrativeUnit] = []
        for row in rows:
            province = upsert(
                level.PROVINCE, row.province_code.zfill(2), row.province_name, row.province_type, None
            )
            parent = province
            if row.district_code:
                parent = upsert(
                    level.DISTRICT, row.district_code.zfill(3), row.district_name, row.district_type, province
                )
            code = row.ward_code.zfill(5)
            if (level.WARD, code) not in existing:
                unit = AdministrativeUnit(
                    scheme=scheme,
                    level=level.WARD,
                    code=code,
                    name=row.ward_name,
                    unit_type=row.ward_type,
                    parent=parent,
                )
                existing[(level.WARD, code)] = unit
                pending.append(unit)
        AdministrativeUnit.objects.bulk_create(pending, batch_size=2000)
        created += len(pending)
        unit_directory.changed()
        audit(
            actor=actor,
            action="unit.load",
            target=AdministrativeUnit,
            details={"scheme": scheme, "created": created},
        )
    return created


def unit_population_set(
    *,
    actor: Actor,
    unit: AdministrativeUnit,
    total: int | None,
    age_18_plus: int | None,
    age_50_plus: int | None,
    age_65_plus: int | None,
    is_demo: bool = False,
    source: str = "",
) -> AdministrativeUnit:
    require(actor, Cap.EDIT_POPULATION)
    if not is_system(actor) and not selectors.units_editable_by(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Đơn vị hành chính này nằm ngoài phạm vi của bạn."))
    figures = [total, age_18_plus, age_50_plus, age_65_plus]
    if any(v is not None and v < 0 for v in figures):
        raise ValidationError(_("Dân số không được âm."))
    if total is not None and any(v is not None and v > total for v in figures[1:]):
        raise ValidationError(_("Dân số theo độ tuổi không được lớn hơn tổng dân số."))
    if age_18_plus is not None and age_50_plus is not None and age_50_plus > age_18_plus:
        raise ValidationError(_("Dân số từ 50 tuổi không được lớn hơn dân số từ 18 tuổi."))
    if age_50_plus is not None and age_65_plus is not None and age_65_plus > age_50_plus:
        raise ValidationError(_("Dân số từ 65 tuổi không được lớn hơn dân số từ 50 tuổi."))
    with transaction.atomic():
        unit.population_total = total
        unit.population_18_plus = age_18_plus
        unit.population_50_plus = age_50_plus
        unit.population_65_plus = age_65_plus
        unit.population_is_demo = is_demo
        unit.population_source = source
        unit.population_updated_at = timezone.now()
        unit.save()
        audit(actor=actor, action="unit.population_set", target=unit, details={"is_demo": is_demo})
    return unit
