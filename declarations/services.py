"""Writes of the declarations app. Check-in declarations are written by
``checkpoints.services.checkin_create``; this module has the standalone ones and retention."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, user_of
from core.audit import audit
from core.models import Person
from declarations.data import DeclarationData, build_declaration
from declarations.models import Declaration


def declaration_validate(data: DeclarationData) -> None:
    """The rules of a standalone declaration, checked before anything is written."""
    if data.travel_to is None:
        raise ValidationError(_("Vui lòng chọn nơi đến."))
    if data.travel_date is None:
        raise ValidationError(_("Vui lòng nhập ngày đi."))
    today = timezone.localdate()
    if abs((data.travel_date - today).days) > 30:
        raise ValidationError(_("Ngày đi phải trong vòng 30 ngày so với hôm nay."))


def declaration_submit(*, actor: Actor, person: Person, data: DeclarationData) -> Declaration:
    """A standalone declaration from the public site (domestic travel)."""
    declaration_validate(data)
    declaration = build_declaration(
        data,
        person=person,
        kind=Declaration.Kind.TRAVEL,
        source=Declaration.Source.SELF,
        entered_by=user_of(actor),
    )
    with transaction.atomic():
        declaration.save()
        audit(
            actor=actor,
            action="declaration.submit",
            target=declaration,
            details={"kind": declaration.kind, "risk": declaration.risk, "person_id": person.pk},
        )
    return declaration


def declarations_purge_expired(
    *, actor: Actor, now: datetime.datetime | None = None, batch_size: int | None = None
) -> int:
    """Deletes declarations past retention (the ``declarations.declaration`` category of
    ``core.retention``), in small transactions; check-ins that refer to one keep their own
    retention (the reference is cleared). One audit row."""
    from core.services import retention_purge

    return retention_purge(actor=actor, category="declarations.declaration", now=now, batch_size=batch_size)
