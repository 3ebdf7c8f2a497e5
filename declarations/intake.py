"""A visitor's standalone declaration (domestic travel): resolve the person, then store the
declaration, in one transaction, so a refused declaration leaves no person behind. Composes
``core.services.person_resolve_for_visitor`` and ``declarations.services.declaration_submit``
(each writes its audit row), like ``checkpoints.intake`` does for check-ins."""

from django.db import transaction

from core.actors import Actor
from core.services import person_resolve_for_visitor
from declarations import services
from declarations.data import DeclarationData
from declarations.models import Declaration


def visitor_declare(*, actor: Actor, data: DeclarationData) -> Declaration:
    services.declaration_validate(data)  # before anyone is resolved
    with transaction.atomic():
        person, _created = person_resolve_for_visitor(data=data.person)
        return services.declaration_submit(actor=actor, person=person, data=data)
