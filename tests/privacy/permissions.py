"""Permission-matrix rows of the privacy app: the data-protection officer (province-wide) and
the superuser only."""

import datetime

from core.roles import Role
from privacy import services
from tests.actors import SYSTEM
from tests.test_permission_matrix import SUPER, Url

OFFICERS = {SUPER, Role.DATA_PROTECTION_OFFICER}


def _report(o):
    return {"pk": o["privacy.accessreport"].pk}


def _request(o):
    return {"pk": o["privacy.subjectrequest"].pk}


URLS = {
    # An empty POST is refused by the form: the page again, nothing made.
    "privacy:access-reports": Url(allowed=OFFICERS),
    "privacy:access-report": Url(allowed=OFFICERS, kwargs=_report),
    "privacy:access-report-export": Url(allowed=OFFICERS, kwargs=lambda o: {**_report(o), "fmt": "csv"}),
    "privacy:requests": Url(allowed=OFFICERS),
    "privacy:request": Url(allowed=OFFICERS, kwargs=_request),
    "privacy:request-export": Url(allowed=OFFICERS, kwargs=_request),
    "privacy:request-answer": Url(method="post", ok=302, allowed=OFFICERS, kwargs=_request),
    # The sample is a request for a copy: a deletion is refused with a message (redirect).
    "privacy:request-erase": Url(method="post", ok=302, allowed=OFFICERS, kwargs=_request),
}


def objects(world):
    report = services.access_report_generate(actor=SYSTEM, month=datetime.date(2021, 9, 1))
    request = services.subject_request_record(
        actor=world["users"][Role.DATA_PROTECTION_OFFICER],
        kind="access",
        person=world["person"],
        subject_name="Nguyễn Văn An",
        requester="self",
        identity_check="chip_card",
    )
    return {"privacy.accessreport": report, "privacy.subjectrequest": request}
