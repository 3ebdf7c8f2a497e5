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
    Appointment,
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
