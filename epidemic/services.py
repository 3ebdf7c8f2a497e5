"""Writes of the epidemic-level app: thresholds, treatment capacity, the weekly computation, the
declared level and its notification, boundaries. Each in one transaction with one audit row."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, is_system, user_of
from core.audit import audit
from core.models import AdministrativeUnit
from core.recovery import enqueue_on_commit
from core.roles import require_capability
from epidemic import figures as epidemic_figures
from epidemic import geo, rules, selectors
from epidemic.capabilities import EpidemicCap
from epidemic.models import DeclaredLevel, LevelAssessment, LevelRules, TreatmentCapacity, UnitBoundary

RULE_FIELDS = (
    "rate_level2",
    "rate_level3",
    "rate_level4",
    "adult_first_dose_pct",
    "older_age",
    "older_full_pct",
    "coverage_raise",
    "ward_mobile_stations_min",
    "bed_occupancy_max_pct",
    "icu_beds_per_100k_min",
    "oxygen_required",
    "capacity_raise",
    "source",
    "verified",
    "note",
)
CAPACITY_FIELDS = (
    "mobile_stations",
    "care_teams",
    "beds",
    "beds_occupied",
    "icu_beds",
    "icu_occupied",
    "oxygen_sufficient",
    "note",
)


def _in_scope(actor: Actor, unit: AdministrativeUnit) -> None:
    """An official acts only for the units of their scope (province-wide officials: all)."""
    if is_system(actor):
        return
    if not selectors.units_editable_by(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Đơn vị này ngoài phạm vi phụ trách của bạn."))


# --- Thresholds -----------------------------------------------------------------------------


def rules_set(*, actor: Actor, effective_from: datetime.date, **fields: Any) -> LevelRules:
    """A version of the thresholds taking effect on ``effective_from`` (the version of that date
    is replaced; earlier ones stay, so past weeks keep the rules they were assessed with). The
    audit row holds the figures before and after."""
    require_capability(actor, EpidemicCap.RULES)
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        before = selectors.rules_in_force(effective_from)
        values = {f: getattr(before, f) for f in RULE_FIELDS} | fields
        if not (
            Decimal(values["rate_level2"]) < Decimal(values["rate_level3"]) < Decimal(values["rate_level4"])
        ):
            raise ValidationError(_("Các ngưỡng ca mới/100.000 dân phải tăng dần: cấp 2 < cấp 3 < cấp 4."))
        version, _created = LevelRules.objects.update_or_create(
            effective_from=effective_from,
            defaults={**values, "created_by": user_of(actor), "created_at": timezone.now()},
        )
        version.full_clean()
        audit(
            actor=actor,
            action="epidemic.rules_set",
            target=version,
            details={
                "effective_from": effective_from.isoformat(),
                "before": {f: str(getattr(before, f)) for f in RULE_FIELDS if f != "note"},
                "after": {f: str(values[f]) for f in RULE_FIELDS if f != "note"},
            },
        )
    return version


# --- Treatment capacity (criterion 3) -------------------------------------------------------


def capacity_record(
    *, actor: Actor, unit: AdministrativeUnit, week_start: datetime.date, **fields: Any
) -> TreatmentCapacity:
    """The week's treatment capacity of a unit, entered (or corrected) by a health official of
    its scope. Any day of the week names the week (its Monday)."""
    require_capability(actor, EpidemicCap.CAPACITY)
    _in_scope(actor, unit)
    unknown = set(fields) - set(CAPACITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    week = selectors.monday(week_start)
    for total, used, message in (
        ("beds", "beds_occupied", _("Số giường đang sử dụng không được vượt số giường điều trị.")),
        ("icu_beds", "icu_occupied", _("Số giường ICU đang sử dụng không được vượt số giường ICU.")),
    ):
        if fields.get(total) is not None and fields.get(used) is not None and fields[used] > fields[total]:
            raise ValidationError({used: message})
    with transaction.atomic():
        row, created = TreatmentCapacity.objects.update_or_create(
            unit=unit,
            week_start=week,
            defaults={**fields, "entered_by": user_of(actor), "entered_at": timezone.now()},
        )
        audit(
            actor=actor,
            action="epidemic.capacity_record",
            target=row,
            details={
                "unit": unit.code,
                "week": week.isoformat(),
                "created": created,
                **{k: fields.get(k) for k in CAPACITY_FIELDS if k != "note"},
            },
        )
    return row


# --- The weekly computation (the proposal) --------------------------------------------------


def levels_compute(*, actor: Actor, week_start: datetime.date | None = None) -> dict[str, Any]:
    """The proposed level of every unit (wards, districts or communes, the province) for a week
    (default: the last finished one), from the rules in force on the week's last day. Run weekly
    by beat and on demand; computing a week again replaces its proposals. One audit row."""
    require_capability(actor, EpidemicCap.COMPUTE)
    week = selectors.monday(week_start) if week_start else selectors.last_finished_week(timezone.localdate())
    level_rules = selectors.rules_in_force(week + datetime.timedelta(days=6))
    if level_rules.pk is None:
        raise ValidationError(_("Chưa có ngưỡng đánh giá cấp độ dịch nào."))
    figures = epidemic_figures.week_figures(week, level_rules)
    now = timezone.now()
    levels: dict[str, int] = {}
    rows = []
    for unit_id, unit_figures in figures.items():
        result = rules.assess(unit_figures, level_rules)
        rows.append(
            LevelAssessment(
                unit_id=unit_id,
                week_start=week,
                rules=level_rules,
                population=unit_figures.population,
                cases=unit_figures.cases,
                rate=result.rate,
                adult_first_pct=unit_figures.adult_first_pct,
                older_full_pct=unit_figures.older_full_pct,
                capacity_met=result.capacity_met,
                level=result.level,
                reasons=result.reasons,
                computed_at=now,
            )
        )
        key = str(result.level or "none")
        levels[key] = levels.get(key, 0) + 1
    with transaction.atomic():
        # The week's proposals replaced as a whole (a few hundred rows: two statements).
        LevelAssessment.objects.filter(week_start=week).delete()
        LevelAssessment.objects.bulk_create(rows, batch_size=500)
        audit(
            actor=actor,
            action="epidemic.levels_compute",
            target=LevelAssessment,
            details={
                "week": week.isoformat(),
                "rules": level_rules.pk,
                "units": len(figures),
                "levels": levels,
            },
        )
    return {"week": week, "units": len(figures), "levels": levels}


# --- The declared level ---------------------------------------------------------------------


def level_declare(
    *,
    actor: Actor,
    unit: AdministrativeUnit,
    level: int,
    decision_number: str,
    decision_date: datetime.date,
    effective_from: datetime.date,
    note: str = "",
) -> DeclaredLevel:
    """Records the level the People's Committee declared for a unit, with its decision. When it
    changes the level in force the day before, the unit's officials are told (after commit,
    ``epidemic.tasks.notify_level_change``)."""
    require_capability(actor, EpidemicCap.DECLARE)
    _in_scope(actor, unit)
    errors = {}
    if level not in (1, 2, 3, 4):
        errors["level"] = _("Cấp độ phải từ 1 đến 4.")
    if not decision_number.strip():
        errors["decision_number"] = _("Cần số quyết định.")
    if decision_date > timezone.localdate():
        errors["decision_date"] = _("Ngày quyết định không thể ở tương lai.")
    if effective_from < decision_date:
        errors["effective_from"] = _("Ngày áp dụng không thể trước ngày quyết định.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = selectors.declared_in_force(effective_from - datetime.timedelta(days=1), [unit.pk]).get(
            unit.pk
        )
        changed = previous is None or previous.level != level
        declared, _created = DeclaredLevel.objects.update_or_create(
            unit=unit,
            effective_from=effective_from,
            defaults={
                "level": level,
                "decision_number": decision_number.strip(),
                "decision_date": decision_date,
                "note": note,
                "declared_by": user_of(actor),
                "entered_at": timezone.now(),
                "changed": changed,
                "notified_at": None,
            },
        )
        audit(
            actor=actor,
            action="epidemic.level_declare",
            target=declared,
            details={
                "unit": unit.code,
                "level": level,
                "previous": previous.level if previous else None,
                "decision": declared.decision_number,
                "effective_from": effective_from.isoformat(),
            },
        )
        if changed:
            from epidemic.tasks import notify_level_change

            enqueue_on_commit(notify_level_change, declared.pk)
    return declared


def level_change_mark(*, declared_id: int) -> DeclaredLevel | None:
    """Claims a change of level for its notification, once: returns it the first time (the task
    then queues the messages in the same transaction), None on a retry."""
    from core.actors import SystemActor

    with transaction.atomic():
        declared = (
            DeclaredLevel.objects.select_for_update()
            .filter(pk=declared_id, changed=True, notified_at__isnull=True)
            .select_related("unit")
            .first()
        )
        if declared is not None:
            declared.notified_at = timezone.now()
            declared.save(update_fields=["notified_at"])
        audit(
            actor=SystemActor("celery:notify_level_change"),
            action="epidemic.level_change_mark",
            target=DeclaredLevel,
            target_ids=[declared_id],
            details={"already_notified": declared is None},
        )
    return declared


# --- Boundaries -----------------------------------------------------------------------------


def boundary_upload(*, actor: Actor, unit: AdministrativeUnit, content: bytes) -> UnitBoundary:
    """A unit's boundary from a GeoJSON file: checked (``epidemic.geo.parse``: a clear message
    for what is wrong), simplified for the web (``PORTAL_MAP_SIMPLIFY_DEGREES``), stored; the
    file itself is not kept."""
    require_capability(actor, EpidemicCap.BOUNDARIES)
    _in_scope(actor, unit)
    polygons = geo.parse(content)
    simplified = geo.simplify(polygons, settings.MAP_SIMPLIFY_DEGREES)
    with transaction.atomic():
        boundary, _created = UnitBoundary.objects.update_or_create(
            unit=unit,
            defaults={
                "polygons": simplified,
                "points_uploaded": geo.count_points(polygons),
                "points_kept": geo.count_points(simplified),
                "uploaded_by": user_of(actor),
                "uploaded_at": timezone.now(),
            },
        )
        audit(
            actor=actor,
            action="epidemic.boundary_upload",
            target=boundary,
            details={"unit": unit.code, "uploaded": boundary.points_uploaded, "kept": boundary.points_kept},
        )
    return boundary
