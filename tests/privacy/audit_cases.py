"""Audit cases of the privacy services (tests/core/test_audit.py runs them)."""

import datetime

from core import services as core_services
from core.roles import Role
from privacy import services
from tests.actors import SYSTEM
from tests.core.fixtures import person_data

NOT_SERVICES = {
    "privacy.services.erasure_plan",  # a read: what a deletion would do
}


def _officer(ctx):
    return ctx["make_user"](Role.DATA_PROTECTION_OFFICER, province_wide=True)


def _request(ctx, kind):
    person = core_services.person_create(actor=SYSTEM, data=person_data())
    return services.subject_request_record(
        actor=_officer(ctx),
        kind=kind,
        person=person,
        subject_name="Nguyễn Văn An",
        requester="self",
        identity_check="chip_card",
    )


def _notify(ctx):
    from django.contrib.auth import get_user_model

    officer = _officer(ctx)
    get_user_model().objects.filter(pk=officer.pk).update(email="dpo@example.invalid")
    report = services.access_report_generate(actor=SYSTEM, month=datetime.date(2021, 9, 1))
    return lambda: services.access_report_notify(report_id=report.pk)


def _record(ctx):
    officer = _officer(ctx)
    return lambda: services.subject_request_record(
        actor=officer,
        kind="access",
        person=None,
        subject_name="Không Có",
        requester="representative",
        requester_name="Trần Văn Bình",
        identity_check="id_seen",
    )


def _answer(ctx):
    request = _request(ctx, "access")
    return lambda: services.subject_request_answer(actor=SYSTEM, request=request)


def _erase(ctx):
    request = _request(ctx, "erasure")
    return lambda: services.subject_request_erase(actor=SYSTEM, request=request)


SERVICE_CASES = {
    "privacy.services.access_report_generate": lambda ctx: (
        lambda: services.access_report_generate(actor=SYSTEM, month=datetime.date(2021, 9, 1))
    ),
    "privacy.services.access_report_notify": _notify,
    "privacy.services.subject_request_record": _record,
    "privacy.services.subject_request_answer": _answer,
    "privacy.services.subject_request_erase": _erase,
}
