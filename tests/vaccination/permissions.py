"""Permission-matrix rows of the vaccination app."""

import datetime

from django.utils import timezone

from core.roles import Role
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import first_ward
from tests.test_permission_matrix import ALL, SUPER, Url
from vaccination import services
from vaccination.models import PriorityGroup, ScreeningQuestion, Vaccine

VIEWERS = {
    SUPER,
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.CHAIRMAN,
    Role.SECRETARIAT,
    Role.DISTRICT_OFFICIAL,
    Role.VACCINATION_STAFF,
}
ADMINISTER = {SUPER, Role.VACCINATION_STAFF}
CATALOGUE = {SUPER, Role.SECRETARIAT}


def _pk(label):
    return lambda o: {"pk": o[label].pk}


def _code(o):
    return {"code": o["vaccination.appointment"].code}


RUN_SESSIONS = {SUPER, Role.DISTRICT_OFFICIAL, Role.VACCINATION_STAFF}


def api(allowed: set, **kw: object) -> Url:
    """Endpoints that accept API tokens: an anonymous request is 401 (Bearer challenge)."""
    return Url(allowed=allowed, anon_denied=401, **kw)  # type: ignore[arg-type]


URLS = {
    "vaccination:book": Url(allowed=ALL),
    "vaccination:booked": Url(allowed=ALL, kwargs=lambda o: {"code": o["vaccination.appointment"].code}),
    # Before the citizen check: the check page, or a redirect to it.
    "vaccination:record-check": Url(allowed=ALL, kwargs=_code),
    "vaccination:record": Url(allowed=ALL, ok=302, kwargs=_code),
    "vaccination:record-cancel": Url(method="post", allowed=ALL, ok=302, kwargs=_code),
    "vaccination:record-certificate": Url(allowed=ALL, ok=302, kwargs=_code),
    "vaccination:record-correction": Url(method="post", allowed=ALL, ok=302, kwargs=_code),
    "vaccination:record-aefi": Url(method="post", allowed=ALL, ok=302, kwargs=_code),
    "vaccination:sites": Url(allowed=VIEWERS),
    "vaccination:site": Url(allowed=VIEWERS, kwargs=_pk("vaccination.site")),
    "vaccination:session": Url(allowed=VIEWERS, kwargs=_pk("vaccination.session")),
    "vaccination:vaccinate": Url(
        allowed=ADMINISTER,
        kwargs=lambda o: {"pk": o["vaccination.session"].pk, "appointment": o["vaccination.appointment"].pk},
    ),
    "vaccination:dose": Url(allowed=VIEWERS, kwargs=_pk("vaccination.dose")),
    "vaccination:observation-end": Url(
        method="post", ok=302, allowed=ADMINISTER, kwargs=_pk("vaccination.dose")
    ),
    "vaccination:certificate": Url(method="post", ok=302, allowed=ADMINISTER, kwargs=_pk("vaccination.dose")),
    "vaccination:aefi-report": Url(method="post", ok=302, allowed=ADMINISTER, kwargs=_pk("vaccination.dose")),
    "vaccination:aefi": Url(allowed=VIEWERS),
    "vaccination:coverage": Url(allowed=VIEWERS),
    "vaccination:corrections": Url(allowed=VIEWERS),
    "vaccination:correction-decide": Url(
        method="post", ok=302, allowed=ADMINISTER, kwargs=lambda o: {"pk": o["vaccination.correction"].pk}
    ),
    "vaccination:register-list": Url(allowed=RUN_SESSIONS),
    "vaccination-api:site-list": api(VIEWERS),
    "vaccination-api:session-list": api(VIEWERS),
    # GET lists the bookings; a POST with an empty body is refused as invalid by those who book.
    "vaccination-api:session-appointments": api(VIEWERS, kwargs=_pk("vaccination.session")),
    "vaccination-api:dose-list": api(VIEWERS),
    "vaccination-api:dose-aefi": api(ADMINISTER, method="post", ok=400, kwargs=_pk("vaccination.dose")),
    "vaccination-api:aefi-list": api(VIEWERS),
}

ADMIN = {
    "vaccination.vaccine": {"view": VIEWERS, "add": CATALOGUE, "change": CATALOGUE},
    "vaccination.lot": {"view": VIEWERS, "add": CATALOGUE, "change": set()},
    "vaccination.site": {"view": VIEWERS, "add": CATALOGUE, "change": set()},
    "vaccination.prioritygroup": {"view": VIEWERS, "add": CATALOGUE, "change": CATALOGUE},
    "vaccination.screeningquestion": {"view": VIEWERS, "add": CATALOGUE, "change": CATALOGUE},
    "vaccination.dose": {"view": ADMINISTER, "add": set(), "change": set()},
}


def objects(world):
    site = services.site_create(actor=SYSTEM, name="Trạm Y tế xã", unit=first_ward("405"))
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    lot = services.lot_create(
        actor=SYSTEM,
        vaccine=vaccine,
        number="M1",
        expiry_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    services.stock_receive(actor=SYSTEM, site=site, lot=lot, quantity=20)
    session = services.session_create(
        actor=SYSTEM, site=site, date=timezone.localdate(), vaccine=vaccine, capacity=10
    )
    appointment = services.appointment_book(actor=VISITOR, session=session, person=world["person"])
    screening = services.screening_record(actor=SYSTEM, person=world["person"], site=site, positive=[])
    dose = services.dose_record(
        actor=SYSTEM,
        person=world["person"],
        site=site,
        lot=lot,
        dose_number=1,
        screening=screening,
        session=session,
    )
    services.appointment_book(
        actor=VISITOR, session=session, person=world["person"]
    )  # a second visit's booking
    correction = services.correction_request(
        actor=VISITOR,
        person=world["person"],
        site=site,
        kind="wrong_date",
        dose=dose,
        administered_on=timezone.localdate(),
    )
    return {
        "vaccination.site": site,
        "vaccination.lot": lot,
        "vaccination.vaccine": vaccine,
        "vaccination.session": session,
        "vaccination.appointment": appointment,
        "vaccination.dose": dose,
        "vaccination.correction": correction,
        "vaccination.prioritygroup": PriorityGroup.objects.first(),
        "vaccination.screeningquestion": ScreeningQuestion.objects.first(),
    }
