"""Reads of the epidemic-level app. Units, rules, assessments, declarations and boundaries are
public facts or aggregates; what is scoped is who may *enter* figures for which unit
(``units_editable_by``), and the proposals are for officials (``EpidemicCap.VIEW``, checked by
the views)."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from core import selectors as core_selectors
from core.models import AdministrativeUnit
from epidemic.models import DeclaredLevel, LevelAssessment, LevelRules, TreatmentCapacity, UnitBoundary

User = Any


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def last_finished_week(today: datetime.date) -> datetime.date:
    """The Monday of the last full week (Monday to Sunday) before ``today``: the week assessed."""
    return monday(today) - datetime.timedelta(days=7)


def rules_in_force(day: datetime.date) -> LevelRules:
    """The thresholds in force on ``day``: the version with the latest start on or before it (the
    first version, created with the app, starts in October 2021)."""
    rules = LevelRules.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return rules or LevelRules.objects.order_by("effective_from").first() or LevelRules(effective_from=day)


def rules_history() -> QuerySet[LevelRules]:
    return LevelRules.objects.select_related("created_by").order_by("-effective_from")


def unit_tree() -> list[AdministrativeUnit]:
    """The province and every unit below it, in the active scheme: the units that get a level."""
    province = core_selectors.province_unit()
    return list(
        AdministrativeUnit.objects.filter(
            Q(pk=province.pk) | Q(parent=province) | Q(parent__parent=province), scheme=province.scheme
        ).order_by("level", "code")
    )


def units_editable_by(user: User) -> QuerySet[AdministrativeUnit]:
    """Units of the tree this official may enter figures or decisions for (their scope)."""
    province = core_selectors.province_unit()
    qs = AdministrativeUnit.objects.filter(
        Q(pk=province.pk) | Q(parent=province) | Q(parent__parent=province), scheme=province.scheme
    )
    return core_selectors.filter_by_unit_scope(qs, user, field="pk")


def capacity_for_week(week: datetime.date) -> dict[int, TreatmentCapacity]:
    """Per unit, the capacity entered for ``week`` or, failing that, the latest entry of the
    ``EPIDEMIC_CAPACITY_WEEKS`` weeks before it (figures change slowly; older ones are not used)."""
    oldest = week - datetime.timedelta(weeks=settings.EPIDEMIC_CAPACITY_WEEKS)
    out: dict[int, TreatmentCapacity] = {}
    for row in TreatmentCapacity.objects.filter(week_start__gte=oldest, week_start__lte=week).order_by(
        "week_start"
    ):
        out[row.unit_id] = row
    return out


def capacity_visible_to(user: User) -> QuerySet[TreatmentCapacity]:
    return core_selectors.filter_by_unit_scope(
        TreatmentCapacity.objects.select_related("unit", "entered_by"), user
    )


def assessed_weeks() -> list[datetime.date]:
    return list(
        LevelAssessment.objects.order_by("-week_start").values_list("week_start", flat=True).distinct()[:12]
    )


def assessments(week: datetime.date) -> dict[int, LevelAssessment]:
    return {a.unit_id: a for a in LevelAssessment.objects.filter(week_start=week).select_related("rules")}


def declared_in_force(day: datetime.date, unit_ids: list[int] | None = None) -> dict[int, DeclaredLevel]:
    """Per unit, the declaration in force on ``day`` (the latest start on or before it)."""
    qs = DeclaredLevel.objects.filter(effective_from__lte=day).order_by(
        "unit_id", "-effective_from", "-entered_at"
    )
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    out: dict[int, DeclaredLevel] = {}
    for row in qs:
        out.setdefault(row.unit_id, row)
    return out


def declared_changes(date_from: datetime.date, date_to: datetime.date) -> list[DeclaredLevel]:
    """Declarations taking effect in ``date_from``..``date_to`` that changed a unit's level."""
    return list(
        DeclaredLevel.objects.filter(effective_from__range=(date_from, date_to), changed=True)
        .select_related("unit")
        .order_by("effective_from", "unit__code")
    )


def declared_history(unit: AdministrativeUnit) -> QuerySet[DeclaredLevel]:
    return DeclaredLevel.objects.filter(unit=unit).select_related("declared_by").order_by("-effective_from")


def boundaries(unit_ids: list[int] | None = None) -> dict[int, list[Any]]:
    qs = UnitBoundary.objects.all()
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return dict(qs.values_list("unit_id", "polygons"))


def boundary_list() -> QuerySet[UnitBoundary]:
    return UnitBoundary.objects.select_related("unit", "uploaded_by").order_by("unit__code")


def notify_pending(before: datetime.datetime) -> QuerySet[DeclaredLevel]:
    """Changes of level whose officials were not told yet (the recovery sweep)."""
    return DeclaredLevel.objects.filter(changed=True, notified_at__isnull=True, entered_at__lt=before)
