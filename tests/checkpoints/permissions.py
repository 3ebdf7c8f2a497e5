"""Permission-matrix rows of the checkpoints and declarations apps."""

import uuid

from checkpoints import intake, services
from checkpoints.models import CheckinDailyStat, Checkpoint
from core import services as core_services
from core.roles import Role
from declarations.data import DeclarationData
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import first_ward, person_data
from tests.test_permission_matrix import ALL, ANON, SIGNED_IN, SUPER, Url

VIEWERS = {
    SUPER,
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.CHAIRMAN,
    Role.SECRETARIAT,
    Role.DISTRICT_OFFICIAL,
    Role.AGENCY_OFFICER,
    Role.EPIDEMIOLOGIST,
}
REGISTRARS = {SUPER, Role.SECRETARIAT, Role.DISTRICT_OFFICIAL, Role.AGENCY_OFFICER}
APPROVERS = {SUPER, Role.SECRETARIAT, Role.DISTRICT_OFFICIAL}
OPERATORS = {SUPER, Role.CHECKPOINT_OPERATOR}
TRACERS = {SUPER, Role.EPIDEMIOLOGIST}


def _point(o):
    return {"pk": o["checkpoints.checkpoint"].pk}


def _token(o):
    # Fresh from the database: a re-issue earlier in the same run changes it.
    return {"token": Checkpoint.objects.get(pk=o["checkpoints.checkpoint"].pk).qr_token}


def _submission(o):
    return {**_token(o), "submission": o["checkpoints.checkin"].submission}


URLS = {
    "checkpoints:visit": Url(kwargs=_token),
    "checkpoints:done": Url(kwargs=_submission),
    "checkpoints:checkout": Url(method="post", ok=302, kwargs=_submission),
    "checkpoints:forget": Url(method="post", ok=302, kwargs=_token),
    "checkpoints:list": Url(allowed=VIEWERS | {Role.CHECKPOINT_OPERATOR}),
    "checkpoints:register": Url(allowed=REGISTRARS),
    "checkpoints:detail": Url(allowed=VIEWERS | {Role.CHECKPOINT_OPERATOR}, kwargs=_point),
    # Allowed roles are sent back to the checkpoint page (with a message about the empty form).
    "checkpoints:decide": Url(method="post", ok=302, allowed=APPROVERS, kwargs=_point),
    "checkpoints:operators": Url(method="post", ok=302, allowed=REGISTRARS, kwargs=_point),
    "checkpoints:reissue": Url(method="post", ok=302, allowed=REGISTRARS, kwargs=_point),
    "checkpoints:qr-png": Url(allowed=VIEWERS | {Role.CHECKPOINT_OPERATOR}, kwargs=_point),
    "checkpoints:qr-svg": Url(allowed=VIEWERS | {Role.CHECKPOINT_OPERATOR}, kwargs=_point),
    "checkpoints:poster": Url(allowed=VIEWERS | {Role.CHECKPOINT_OPERATOR}, kwargs=_point),
    "checkpoints:scan": Url(allowed=OPERATORS, kwargs=_point),
    "checkpoints:paper": Url(allowed=OPERATORS, kwargs=_point),
    "checkpoints:trace": Url(allowed=TRACERS),
    "checkpoints:trace-checkpoint": Url(allowed=TRACERS),
    "checkpoints:trace-export": Url(allowed=TRACERS, ok=400),
    "checkpoints-api:checkpoint-list": Url(allowed=SIGNED_IN, anon_denied=403),
    "checkpoints-api:checkpoint-decision": Url(
        method="post", allowed=APPROVERS, ok=400, anon_denied=403, kwargs=_point
    ),
    # Nested inputs take JSON only: the matrix's empty form post is a 415 once past permissions.
    "checkpoints-api:staff-checkin": Url(
        method="post", allowed=OPERATORS, ok=415, anon_denied=403, kwargs=_point
    ),
    "checkpoints-api:checkin": Url(method="post", ok=415),
    "checkpoints-api:checkout": Url(method="post", ok=400),
    "checkpoints-api:tracing": Url(allowed=TRACERS, ok=400, anon_denied=403),
    "declarations:declare": Url(),
    "declarations-api:travel-declaration": Url(method="post", ok=415),
}

STAFF_VIEWERS = VIEWERS
ADMIN = {
    "checkpoints.checkpoint": {"view": STAFF_VIEWERS, "add": REGISTRARS, "change": REGISTRARS},
    "checkpoints.checkindailystat": {"view": STAFF_VIEWERS, "add": set(), "change": set()},
}

assert ANON not in VIEWERS and ALL  # the constants come from the shared matrix


def objects(world):
    users = world["users"]
    agency = core_services.organization_create(
        actor=SYSTEM, name="Trung tâm Y tế huyện Đông Sơn", kind="hospital", unit=world["dong_son"]
    )
    checkpoint = services.checkpoint_register(
        actor=SYSTEM, name="Cổng TTYT", organization=agency, kind="hospital", unit=first_ward("405")
    )
    services.checkpoint_decide(actor=SYSTEM, checkpoint=checkpoint, approve=True)
    services.checkpoint_operators_set(
        actor=SYSTEM, checkpoint=checkpoint, operators=[users[Role.CHECKPOINT_OPERATOR]]
    )
    checkin = intake.submit(
        actor=VISITOR,
        checkpoint=checkpoint,
        declaration=DeclarationData(
            person=person_data(full_name="Khách Thử", id_number="", phone="0977000000")
        ),
        submission=uuid.uuid4(),
    )[0]
    stat = CheckinDailyStat.objects.create(checkpoint=checkpoint, day=checkin.checked_in_at.date(), total=1)
    return {
        "checkpoints.checkpoint": checkpoint,
        "checkpoints.checkin": checkin,
        "checkpoints.checkindailystat": stat,
    }
