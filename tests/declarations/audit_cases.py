"""Audit cases of the declarations services."""

import datetime

from django.utils import timezone

from core import services as core_services
from declarations import services
from declarations.data import DeclarationData
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import person_data


def _submit(ctx):
    person = core_services.person_create(actor=SYSTEM, data=person_data())
    data = DeclarationData(
        person=person_data(),
        travel_from=ctx["province"],
        travel_to=ctx["province"],
        travel_date=timezone.localdate(),
    )
    return lambda: services.declaration_submit(actor=VISITOR, person=person, data=data)


def _purge(ctx):
    submit = _submit(ctx)
    declaration = submit()
    type(declaration).objects.filter(pk=declaration.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    return lambda: services.declarations_purge_expired(actor=SYSTEM, batch_size=1)


SERVICE_CASES = {
    "declarations.services.declaration_submit": _submit,
    "declarations.services.declarations_purge_expired": _purge,
}

NOT_SERVICES = {"declarations.services.declaration_validate"}  # checks, writes nothing
