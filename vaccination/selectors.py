"""Every read of the vaccination app, scoped to the user (sites by unit: core.selectors).

The public reads only what a booking page needs (open sessions with places) and, once the person
is known, their own record.
"""

import datetime
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from core import selectors as core_selectors
from core.actors import ApiClient, is_system
from core.roles import user_can
from vaccination.capabilities import VaccinationCap
from vaccination.models import (
    AdverseEvent,
    Appointment,
    CorrectionRequest,
    Dose,
    Lot,
    PriorityGroup,
    ScreeningQuestion,
    Session,
    Site,
    Stock,
    StockMovement,
    Vaccine,
)

User = Any


# --- Catalogue (public facts) -------------------------------------------------------------


def vaccines_active() -> QuerySet[Vaccine]:
    return Vaccine.objects.filter(is_active=True)


def priority_groups_active() -> QuerySet[PriorityGroup]:
    return PriorityGroup.objects.filter(is_active=True)


def screening_questions_active() -> QuerySet[ScreeningQuestion]:
    return ScreeningQuestion.objects.filter(is_active=True)


# --- Sites, stock, sessions ---------------------------------------------------------------


def _scoped(queryset: QuerySet, user: User, site: str = "") -> QuerySet:
    """By the site's unit (the user's scope); an integration's API token by the site's
    organization: a token sees its own organization's sites and nothing else."""
    if isinstance(user, ApiClient):
        return queryset.filter(**{f"{site}organization_id": user.organization_id})
    return core_selectors.filter_by_unit_scope(queryset, user, field=f"{site}unit")


def sites_visible_to(user: User) -> QuerySet[Site]:
    if not user_can(user, VaccinationCap.VIEW):
        return Site.objects.none()
    return _scoped(Site.objects.select_related("unit"), user)


def access_site(actor: User, site_id: int) -> Site:
    """The site, if the actor may act there (the system may act anywhere); 404 otherwise."""
    if is_system(actor):
        return Site.objects.get(pk=site_id)
    site = sites_visible_to(actor).filter(pk=site_id).first()
    if site is None:
        raise Http404
    return site


def stock_at(site: Site) -> QuerySet[Stock]:
    return (
        Stock.objects.filter(site=site).select_related("lot__vaccine").order_by("lot__expiry_date", "lot_id")
    )


def movements_at(site: Site) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(site=site).select_related("lot__vaccine")


def usable_lots_at(
    site: Site, *, vaccine: Vaccine | None = None, on: datetime.date | None = None
) -> QuerySet[Lot]:
    """Lots the site may use today: in stock there, not expired, not recalled."""
    on = on or timezone.localdate()
    lots = Lot.objects.filter(
        stock__site=site, stock__quantity__gt=0, expiry_date__gte=on, recalled_at__isnull=True
    ).select_related("vaccine")
    if vaccine is not None:
        lots = lots.filter(vaccine=vaccine)
    return lots.order_by("expiry_date", "id")


def sessions_visible_to(user: User) -> QuerySet[Session]:
    if not user_can(user, VaccinationCap.VIEW):
        return Session.objects.none()
    return _scoped(Session.objects.select_related("site__unit", "vaccine"), user, "site__")


def access_session(actor: User, session_id: int) -> Session:
    if is_system(actor):
        return Session.objects.select_related("site", "vaccine").get(pk=session_id)
    session = sessions_visible_to(actor).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def sessions_for_registration(user: User) -> QuerySet[Session]:
    """Staff registering a list: the open sessions from today on at the user's sites."""
    return (
        sessions_visible_to(user)
        .filter(status=Session.Status.OPEN, date__gte=timezone.localdate())
        .order_by("date", "site__name", "id")
    )


def sessions_open_for_booking(*, today: datetime.date | None = None) -> QuerySet[Session]:
    """Public: open sessions from today on that still have places."""
    today = today or timezone.localdate()
    return (
        Session.objects.filter(status=Session.Status.OPEN, date__gte=today, site__is_active=True)
        .filter(booked__lt=F("capacity"))
        .select_related("site__unit", "vaccine")
        .order_by("date", "site__name", "id")
    )


def appointments_of_session(session: Session) -> QuerySet[Appointment]:
    return Appointment.objects.filter(session=session).select_related("person", "priority_group")


def appointments_visible_to(user: User) -> QuerySet[Appointment]:
    if not user_can(user, VaccinationCap.VIEW):
        return Appointment.objects.none()
    return _scoped(
        Appointment.objects.select_related("person", "session__site", "session__vaccine", "priority_group"),
        user,
        "session__site__",
    )


def access_appointment(user: User, code: str) -> Appointment:
    """A booking by its code, within the user's (or token's) sites; 404 otherwise."""
    appointment = appointments_visible_to(user).filter(code=code.strip().upper()).first()
    if appointment is None:
        raise Http404
    return appointment


def appointment_by_code(code: str) -> Appointment | None:
    return (
        Appointment.objects.filter(code=code.strip().upper())
        .select_related("session__site", "session__vaccine", "person")
        .first()
    )


# --- Doses --------------------------------------------------------------------------------


def doses_of(person_id: int) -> QuerySet[Dose]:
    return (
        Dose.objects.filter(person_id=person_id)
        .select_related("vaccine", "lot", "site")
        .order_by("dose_number")
    )


def doses_visible_to(user: User) -> QuerySet[Dose]:
    if not user_can(user, VaccinationCap.VIEW):
        return Dose.objects.none()
    return _scoped(Dose.objects.select_related("person", "vaccine", "lot", "site"), user, "site__")


def access_dose(actor: User, dose_id: int) -> Dose:
    if is_system(actor):
        return Dose.objects.select_related("person", "vaccine", "lot", "site").get(pk=dose_id)
    dose = doses_visible_to(actor).filter(pk=dose_id).first()
    if dose is None:
        raise Http404
    return dose


# --- Adverse events, corrections -----------------------------------------------------------


def aefi_visible_to(user: User) -> QuerySet[AdverseEvent]:
    if not user_can(user, VaccinationCap.VIEW):
        return AdverseEvent.objects.none()
    return _scoped(
        AdverseEvent.objects.select_related("dose__site", "dose__lot", "dose__vaccine"), user, "dose__site__"
    )


def lot_aefi_counts(*, lots: QuerySet[Lot] | None = None) -> list[dict[str, Any]]:
    """Per lot with reports: doses given, events, serious events, the rate per 10,000 doses,
    and whether the lot is flagged (serious events or rate over the thresholds)."""
    from django.conf import settings
    from django.db.models import Count, Q

    lots = (lots if lots is not None else Lot.objects.all()).select_related("vaccine")
    rows = lots.annotate(
        events=Count("doses__adverse_events", distinct=True),
        serious=Count(
            "doses__adverse_events",
            filter=~Q(doses__adverse_events__seriousness=AdverseEvent.Seriousness.NOT_SERIOUS),
            distinct=True,
        ),
    ).filter(events__gt=0)
    doses = dict(
        Dose.objects.filter(lot__in=rows)
        .values_list("lot_id")
        .annotate(n=Count("id"))
        .values_list("lot_id", "n")
    )
    result = []
    for lot in rows:
        given = doses.get(lot.pk, 0)
        rate = lot.events * 10_000 / given if given else 0.0
        result.append(
            {
                "lot": lot,
                "doses": given,
                "events": lot.events,
                "serious": lot.serious,
                "rate_per_10000": round(rate, 1),
                "flagged": lot.serious >= settings.AEFI_LOT_SERIOUS_THRESHOLD
                or rate >= settings.AEFI_LOT_RATE_PER_10000,
            }
        )
    return sorted(result, key=lambda r: (not r["flagged"], -r["events"]))


def corrections_visible_to(user: User) -> QuerySet[CorrectionRequest]:
    if not user_can(user, VaccinationCap.VIEW):
        return CorrectionRequest.objects.none()
    return _scoped(
        CorrectionRequest.objects.select_related("site", "person", "dose__vaccine", "lot"), user, "site__"
    )


def correction_backlog_per_site(user: User) -> list[dict[str, Any]]:
    """Pending requests per site, oldest first: what officials follow up."""
    from django.db.models import Count, Min

    return list(
        corrections_visible_to(user)
        .filter(status=CorrectionRequest.Status.PENDING)
        .values("site_id", "site__name")
        .annotate(pending=Count("id"), oldest=Min("requested_at"))
        .order_by("oldest")
    )


# --- Doses counted, coverage ---------------------------------------------------------------


def live_dose_stats(start: datetime.datetime, end: datetime.datetime) -> list[dict[str, Any]]:
    """Doses in ``[start, end)`` per local day, unit of residence (the site's unit when the
    person has none), product, dose number, series and age band: ``DoseDailyStat`` rows."""
    from django.db.models import Count, IntegerField
    from django.db.models.functions import Coalesce, ExtractYear, TruncDate

    age = ExtractYear("administered_at") - F("person__birth_year")
    rows = (
        Dose.objects.filter(administered_at__gte=start, administered_at__lt=end)
        .annotate(
            day=TruncDate("administered_at", tzinfo=timezone.get_current_timezone()),
            unit_key=Coalesce("person__address_unit_id", "site__unit_id", output_field=IntegerField()),
            age=age,
        )
        .values("day", "unit_key", "vaccine_id", "dose_number", "series_doses", "age")
        .annotate(doses=Count("id"))
    )
    merged: dict[tuple, int] = {}
    for row in rows:
        band = _age_band(row["age"])
        key = (row["day"], row["unit_key"], row["vaccine_id"], row["dose_number"], row["series_doses"], band)
        merged[key] = merged.get(key, 0) + row["doses"]
    return [
        {
            "day": day,
            "unit_id": unit_id,
            "vaccine_id": vaccine_id,
            "dose_number": number,
            "series_doses": series,
            "age_band": band,
            "doses": count,
        }
        for (day, unit_id, vaccine_id, number, series, band), count in sorted(merged.items(), key=str)
    ]


def _age_band(age: int | None) -> str:
    if age is None:
        return "?"
    if age < 18:
        return "u18"
    if age < 50:
        return "18"
    if age < 65:
        return "50"
    return "65"


AGE_GROUPS = {"18": ("18", "50", "65"), "50": ("50", "65"), "65": ("65",)}


def dose_stats(*, date_from: datetime.date, date_to: datetime.date) -> list[dict[str, Any]]:
    """Dose rows (``DoseDailyStat`` fields) for the local days ``date_from``..``date_to``: days the
    roll-up folded from the aggregate, later days counted live (each day once)."""
    from core import retention, rollups
    from vaccination.models import DoseDailyStat
    from vaccination.retention import DOSE_ROLLUP

    folded, live = rollups.split(DOSE_ROLLUP, date_from, date_to)
    rows: list[dict[str, Any]] = []
    fields = ("day", "unit_id", "vaccine_id", "dose_number", "series_doses", "age_band", "doses")
    if folded:
        rows += list(DoseDailyStat.objects.filter(day__range=folded).values(*fields))
    if live:
        start = retention.local_midnight(live[0])
        end = retention.local_midnight(live[1] + datetime.timedelta(days=1))
        rows += live_dose_stats(start, end)
    return rows


def coverage_counts(*, until: datetime.date | None = None) -> dict[int, dict[str, Any]]:
    """People vaccinated up to ``until``, per unit of residence as recorded (a ward, or the site's
    unit): ``{unit_id: {"doses": n, "first"|"full"|"booster": {age band: people}}}`` (people
    counted once: dose numbers are unique per person). Callers roll the units up as they need
    (``coverage`` to the reporting units, the epidemic levels to every level)."""
    from django.db.models import Sum

    from core import rollups
    from vaccination.models import DoseDailyStat
    from vaccination.retention import DOSE_ROLLUP

    until = until or timezone.localdate()
    totals: dict[int, dict[str, Any]] = {}

    def add(unit_id: int, number: int, series: int, band: str, count: int) -> None:
        row = totals.setdefault(unit_id, {"doses": 0, "first": {}, "full": {}, "booster": {}})
        row["doses"] += count
        for milestone, hit in (
            ("first", number == 1),
            ("full", number == series),
            ("booster", number == series + 1),
        ):
            if hit:
                row[milestone][band] = row[milestone].get(band, 0) + count

    folded, live = rollups.split(DOSE_ROLLUP, datetime.date(2021, 1, 1), until)
    if folded:
        for r in (
            DoseDailyStat.objects.filter(day__range=folded)
            .values("unit_id", "dose_number", "series_doses", "age_band")
            .annotate(n=Sum("doses"))
        ):
            add(r["unit_id"], r["dose_number"], r["series_doses"], r["age_band"], r["n"])
    if live:
        for r in dose_stats(date_from=live[0], date_to=live[1]):
            add(r["unit_id"], r["dose_number"], r["series_doses"], r["age_band"], r["doses"])
    return totals


def coverage_groups(row: dict[str, Any], unit: Any) -> dict[str, dict[str, Any]]:
    """For a unit's counts (``coverage_counts`` rows summed): per age group (18+, 50+, 65+) the
    population, the people with a first dose, a full primary series and a booster, and their
    shares of the population (None without a population figure)."""
    groups = {}
    for group, bands in AGE_GROUPS.items():
        population = getattr(unit, f"population_{group}_plus")
        counts = {m: sum(row[m].get(b, 0) for b in bands) for m in ("first", "full", "booster")}
        groups[group] = {
            "population": population,
            **counts,
            **{f"{m}_pct": round(100 * c / population, 1) if population else None for m, c in counts.items()},
        }
    return groups


def add_counts(into: dict[str, Any], row: dict[str, Any]) -> None:
    """Adds one ``coverage_counts`` row into another (rolling units up)."""
    into["doses"] = into.get("doses", 0) + row["doses"]
    for milestone in ("first", "full", "booster"):
        target = into.setdefault(milestone, {})
        for band, n in row[milestone].items():
            target[band] = target.get(band, 0) + n


def coverage(*, until: datetime.date | None = None, scheme: str | None = None) -> list[dict[str, Any]]:
    """Per reporting unit: doses, and the share of its 18+, 50+ and 65+ population (``core``'s
    figures) with a first dose, a full primary series and a booster (people counted once: dose
    numbers are unique per person). A unit without population figures shows counts only."""
    from core.models import AdministrativeUnit

    mapping = core_selectors.reporting_unit_map(scheme=scheme)
    totals: dict[int, dict[str, Any]] = {}
    for unit_id, row in coverage_counts(until=until).items():
        target = mapping.get(unit_id)
        if target is not None:
            add_counts(totals.setdefault(target, {}), row)
    units = AdministrativeUnit.objects.filter(pk__in=set(mapping.values())).order_by("code")
    empty = {"doses": 0, "first": {}, "full": {}, "booster": {}}
    return [
        {
            "unit": unit,
            "doses": totals.get(unit.pk, empty)["doses"],
            "groups": coverage_groups({**empty, **totals.get(unit.pk, {})}, unit),
            "is_demo": unit.population_is_demo,
        }
        for unit in units
    ]


def report_figures(
    *, date_from: datetime.date, date_to: datetime.date, start: Any, end: Any
) -> dict[str, Any]:
    """The weekly report's vaccination figures (the system reads, no personal data): doses per
    reporting unit in the period (roll-up), stock on hand, wastage and AEFI in ``[start, end)``."""
    from django.db.models import Count, Q, Sum

    mapping = core_selectors.reporting_unit_map()
    doses: dict[int, int] = {}
    for row in dose_stats(date_from=date_from, date_to=date_to):
        target = mapping.get(row["unit_id"])
        if target is not None:
            doses[target] = doses.get(target, 0) + row["doses"]
    moves = StockMovement.objects.filter(at__gte=start, at__lt=end)
    wastage = list(
        moves.filter(kind=StockMovement.Kind.WASTAGE)
        .values("reason")
        .annotate(doses=Sum("quantity"))
        .order_by("reason")
    )
    events = AdverseEvent.objects.filter(reported_at__gte=start, reported_at__lt=end)
    return {
        "doses": doses,
        "stock": Stock.objects.aggregate(n=Sum("quantity"))["n"] or 0,
        "received": moves.filter(kind=StockMovement.Kind.RECEIPT).aggregate(n=Sum("quantity"))["n"] or 0,
        "wastage": [
            {"reason": StockMovement.WastageReason(r["reason"]).label, "doses": -r["doses"]} for r in wastage
        ],
        "aefi": events.aggregate(
            total=Count("id"),
            serious=Count("id", filter=~Q(seriousness=AdverseEvent.Seriousness.NOT_SERIOUS)),
        ),
        "flagged_lots": [r["lot"].number for r in lot_aefi_counts() if r["flagged"]],
    }
