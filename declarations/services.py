"""Writes of the declarations app. Check-in declarations are written by
``checkpoints.services.checkin_create``; this module has the standalone ones and retention."""

import datetime

from django.conf import settings
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
    """Deletes declarations past retention in small transactions (their check-ins, same age,
    go with them); one audit row at the end."""
    now = now or timezone.now()
    day = timezone.localdate(now) - datetime.timedelta(days=settings.DECLARATION_RETENTION_DAYS)
    cutoff = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    batch = batch_size or settings.RETENTION_BATCH_SIZE
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                Declaration.objects.filter(created_at__lt=cutoff)
                .order_by()
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            Declaration.objects.filter(id__in=ids).delete()
        deleted += len(ids)
    with transaction.atomic():
        audit(
            actor=actor,
            action="declaration.purge",
            target=Declaration,
            details={"deleted": deleted, "cutoff": cutoff.isoformat()},
        )
    return deleted
