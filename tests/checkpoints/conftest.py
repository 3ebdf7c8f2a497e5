"""Checkpoints built through the services, as officials would."""

import datetime
import uuid

import pytest
from django.utils import timezone

from checkpoints import intake, services
from checkpoints.models import CheckIn, Checkpoint
from core import services as core_services
from core.roles import Role
from declarations.data import DeclarationData
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import first_ward, person_data


@pytest.fixture
def agency(db, dong_son):
    return core_services.organization_create(
        actor=SYSTEM,
        name="Trung tâm Y tế Đông Sơn",
        kind="hospital",
        unit=dong_son,
        contact_email="ttyt@example.invalid",
    )


@pytest.fixture
def operator(make_user, agency):
    user = make_user(Role.CHECKPOINT_OPERATOR, organizations=[agency])
    user.email = "operator@example.invalid"
    user.save()
    return user


def make_checkpoint(agency, *, name="Cổng Trung tâm Y tế", approve=True, operators=(), **fields):
    checkpoint = services.checkpoint_register(
        actor=SYSTEM,
        name=name,
        organization=agency,
        kind=fields.pop("kind", Checkpoint.Kind.HOSPITAL),
        unit=fields.pop("unit", first_ward("405")),
        **fields,
    )
    if approve:
        services.checkpoint_decide(actor=SYSTEM, checkpoint=checkpoint, approve=True)
    if operators:
        services.checkpoint_operators_set(actor=SYSTEM, checkpoint=checkpoint, operators=list(operators))
    return checkpoint


@pytest.fixture
def checkpoint(agency, operator):
    return make_checkpoint(agency, operators=[operator])


def visit(
    checkpoint,
    *,
    at=None,
    method=CheckIn.Method.SELF,
    actor=VISITOR,
    symptoms=(),
    exposures=(),
    members=(),
    **person,
):
    """Checks a person in; ``at`` backdates it (written straight to the row for self check-ins)."""
    data = DeclarationData(person=person_data(**person), symptoms=list(symptoms), exposures=list(exposures))
    rows = intake.submit(
        actor=actor,
        checkpoint=checkpoint,
        declaration=data,
        members=[m if isinstance(m, DeclarationData) else data.household_member(m) for m in members],
        method=method,
        submission=uuid.uuid4(),
        checked_in_at=at if method != CheckIn.Method.SELF else None,
    )
    if at is not None and method == CheckIn.Method.SELF:
        out, how = services.estimated_checkout(checkpoint, at)
        CheckIn.objects.filter(pk__in=[r.pk for r in rows]).update(
            checked_in_at=at, checked_out_at=out, checkout_method=how
        )
        for r in rows:
            r.refresh_from_db()
    return rows


def at(hours_ago: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours_ago)
