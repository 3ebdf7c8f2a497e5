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
from core.actors import is_system
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


def sites_visible_to(user: User) -> QuerySet[Site]:
    if not user_can(user, VaccinationCap.VIEW):
        return Site.objects.none()
    return core_selectors.filter_by_unit_scope(Site.objects.select_related("unit"), user, field="unit")


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
    return core_selectors.filter_by_unit_scope(
        Session.objects.select_related("site__unit", "vaccine"), user, field="site__unit"
    )


def access_session(actor: User, session_id: int) -> Session:
    if is_system(actor):
        return Session.objects.select_related("site", "vaccine").get(pk=session_id)
    session = sessions_visible_to(actor).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


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
    return core_selectors.filter_by_unit_scope(
        Dose.objects.select_related("person", "vaccine", "lot", "site"), user, field="site__unit"
    )


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
    return core_selectors.filter_by_unit_scope(
        AdverseEvent.objects.select_related("dose__site", "dose__lot", "dose__vaccine"),
        user,
        field="dose__site__unit",
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
    return core_selectors.filter_by_unit_scope(
        CorrectionRequest.objects.select_related("site", "person", "dose__vaccine", "lot"),
        user,
        field="site__unit",
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
