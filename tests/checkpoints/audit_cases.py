"""Audit cases of the checkpoints services (tests/core/test_audit.py runs them)."""

import datetime
import uuid

from django.utils import timezone

from checkpoints import services
from checkpoints.models import CheckIn
from core import services as core_services
from core.roles import Role
from declarations.data import DeclarationData
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import first_ward, person_data

NOT_SERVICES = {
    "checkpoints.services.estimated_checkout",  # pure computation
    # Steps of checkin_create, whose audit row covers them (a read, and two check-out updates).
    "checkpoints.services.repeat_visits",
    "checkpoints.services.close_earlier_here",
    "checkpoints.services.close_open_elsewhere",
}


def _agency(ctx):
    return core_services.organization_create(
        actor=SYSTEM, name="TTYT Đông Sơn", kind="hospital", unit=ctx["dong_son"]
    )


def _point(ctx, approve=True):
    point = services.checkpoint_register(
        actor=SYSTEM, name="Cổng", organization=_agency(ctx), kind="hospital", unit=first_ward("405")
    )
    if approve:
        services.checkpoint_decide(actor=SYSTEM, checkpoint=point, approve=True)
    return point


def _checkin(ctx, point=None):
    point = point or _point(ctx)
    person = core_services.person_create(actor=SYSTEM, data=person_data())
    return services.checkin_create(
        actor=VISITOR,
        checkpoint=point,
        entries=[(person, DeclarationData(person=person_data(), symptoms=["fever"]))],
        method="self",
    )[0]


def _operators(ctx):
    point = _point(ctx)
    operator = ctx["make_user"](Role.CHECKPOINT_OPERATOR)
    return lambda: services.checkpoint_operators_set(actor=SYSTEM, checkpoint=point, operators=[operator])


def _checkin_create(ctx):
    point = _point(ctx)
    person = core_services.person_create(actor=SYSTEM, data=person_data())
    data = DeclarationData(person=person_data())
    return lambda: services.checkin_create(
        actor=VISITOR,
        checkpoint=point,
        entries=[(person, data), (person, data)],
        method="self",
        submission=uuid.uuid4(),
    )


def _checkout(ctx):
    row = _checkin(ctx)
    return lambda: services.checkin_checkout(
        actor=VISITOR, checkpoint=row.checkpoint, submission=row.submission
    )


def _alert(ctx):
    row = _checkin(ctx)
    return lambda: services.checkin_alert_mark(checkin_id=row.pk)


def _purge(ctx):
    row = _checkin(ctx)
    old = timezone.now() - datetime.timedelta(days=40)
    CheckIn.objects.filter(pk=row.pk).update(checked_in_at=old, checked_out_at=old)
    return lambda: services.checkins_purge_expired(actor=SYSTEM, batch_size=1)


SERVICE_CASES = {
    "checkpoints.services.checkpoint_register": lambda ctx: (
        lambda agency: (
            lambda: services.checkpoint_register(
                actor=SYSTEM, name="Cổng", organization=agency, kind="market", unit=ctx["dong_son"]
            )
        )
    )(_agency(ctx)),
    "checkpoints.services.checkpoint_update": lambda ctx: (
        lambda point: lambda: services.checkpoint_update(actor=SYSTEM, checkpoint=point, name="Cổng mới")
    )(_point(ctx)),
    "checkpoints.services.checkpoint_decide": lambda ctx: (
        lambda point: lambda: services.checkpoint_decide(actor=SYSTEM, checkpoint=point, approve=True)
    )(_point(ctx, approve=False)),
    "checkpoints.services.checkpoint_operators_set": _operators,
    "checkpoints.services.checkpoint_qr_reissue": lambda ctx: (
        lambda point: lambda: services.checkpoint_qr_reissue(actor=SYSTEM, checkpoint=point)
    )(_point(ctx)),
    "checkpoints.services.checkin_create": _checkin_create,
    "checkpoints.services.checkin_checkout": _checkout,
    "checkpoints.services.checkin_alert_mark": _alert,
    "checkpoints.services.checkins_purge_expired": _purge,
    "checkpoints.services.checkpoints_mark_silent": lambda ctx: (
        lambda: services.checkpoints_mark_silent(actor=SYSTEM)
    ),
}
