"""Registration and booking: a place is taken by one conditional UPDATE (``booked < capacity``),
so concurrent bookings never exceed a session's capacity; cancelling gives the place back.
Confirmation and the reminder the day before go through the gateway (``core.services.message_send``)
from tasks, after commit."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import SystemActor, is_visitor
from core.audit import audit
from core.models import OutboundMessage, Person
from core.recovery import enqueue_on_commit
from core.services import message_send
from vaccination.capabilities import VaccinationCap
from vaccination.models import Appointment, PriorityGroup, Session
from vaccination.services._common import Actor, require, site_for

# No 0/O, 1/I: read aloud over the phone without confusion.
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def appointment_book(
    *,
    actor: Actor,
    session: Session,
    person: Person,
    priority_group: PriorityGroup | None = None,
) -> Appointment:
    """Books a place: the public for themselves (a ``Visitor``), or staff for people they register."""
    online = is_visitor(actor)
    if not online:
        require(actor, VaccinationCap.RUN_SESSIONS)
        site_for(actor, session.site)
    if priority_group is not None:
        allowed = set(session.priority_groups.values_list("pk", flat=True))
        if allowed and priority_group.pk not in allowed:
            raise ValidationError(_("Buổi tiêm này không dành cho nhóm ưu tiên đã chọn."))
    try:
        with transaction.atomic():
            taken = Session.objects.filter(
                pk=session.pk,
                status=Session.Status.OPEN,
                date__gte=timezone.localdate(),
                booked__lt=F("capacity"),
            ).update(booked=F("booked") + 1)
            if not taken:
                raise ValidationError(_("Buổi tiêm đã hết chỗ hoặc đã kết thúc. Vui lòng chọn buổi khác."))
            appointment = Appointment.objects.create(
                session=session,
                person=person,
                priority_group=priority_group,
                code=_new_code(),
                channel=Appointment.Channel.ONLINE if online else Appointment.Channel.STAFF,
            )
            audit(
                actor=actor,
                action="appointment.book",
                target=appointment,
                details={"session_id": session.pk, "person_id": person.pk},
            )
            from vaccination.tasks import send_appointment_message

            # A broker down at commit loses the confirmation only (logged); the booking stands.
            enqueue_on_commit(send_appointment_message, appointment.pk, "confirmation")
    except IntegrityError as exc:  # the person already holds a place in this session
        raise ValidationError(_("Người này đã đặt lịch ở buổi tiêm này.")) from exc
    return appointment


def appointment_cancel(*, actor: Actor, appointment: Appointment) -> Appointment:
    """Cancels and frees the place. The public cancels through the citizen check (the caller
    verified it); staff within their sites."""
    if not is_visitor(actor):
        require(actor, VaccinationCap.RUN_SESSIONS)
        site_for(actor, appointment.session.site)
    with transaction.atomic():
        changed = Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.BOOKED).update(
            status=Appointment.Status.CANCELLED, cancelled_at=timezone.now()
        )
        if not changed:
            raise ValidationError(_("Lịch hẹn này không còn hiệu lực để hủy."))
        Session.objects.filter(pk=appointment.session_id, booked__gt=0).update(booked=F("booked") - 1)
        audit(actor=actor, action="appointment.cancel", target=appointment)
    appointment.refresh_from_db()
    return appointment


def _message_text(appointment: Appointment, kind: str) -> str:
    session = appointment.session
    values = {
        "code": appointment.code,
        "site": session.site.name,
        "date": f"{session.date:%d/%m/%Y}",
        "time": f"{session.starts_at:%H:%M}",
        "vaccine": session.vaccine.name,
    }
    if kind == "reminder":
        return (
            _(
                "Nhắc lịch tiêm: ngày mai %(date)s, %(time)s tại %(site)s (%(vaccine)s). "
                "Mã đặt lịch: %(code)s."
            )
            % values
        )
    return (
        _("Đã đặt lịch tiêm %(vaccine)s ngày %(date)s, %(time)s tại %(site)s. Mã đặt lịch: %(code)s.")
        % values
    )


def appointment_message_send(*, appointment_id: int, kind: str) -> OutboundMessage | None:
    """The confirmation or the reminder by SMS (the gateway writes the audit row); none for a
    person without a phone or a booking no longer held."""
    appointment = Appointment.objects.select_related("session__site", "session__vaccine", "person").get(
        pk=appointment_id
    )
    if appointment.status != Appointment.Status.BOOKED or not appointment.person.phone:
        return None
    stamp = "reminded_at" if kind == "reminder" else "confirmed_at"
    with transaction.atomic():
        # Claimed first: a retried or duplicated task sends nothing the second time.
        claimed = Appointment.objects.filter(pk=appointment.pk, **{f"{stamp}__isnull": True}).update(
            **{stamp: timezone.now()}
        )
        if not claimed:
            return None
        return message_send(
            actor=SystemActor(f"celery:appointment_{kind}"),
            channel=OutboundMessage.Channel.SMS,
            recipient=appointment.person.phone,
            body=_message_text(appointment, kind),
            purpose=f"vaccination.appointment_{kind}",
        )


def appointments_due_for_reminder(*, today: datetime.date | None = None) -> list[int]:
    """Booked appointments of tomorrow's sessions not reminded yet (ids for the reminder task)."""
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    return list(
        Appointment.objects.filter(
            session__date=tomorrow, status=Appointment.Status.BOOKED, reminded_at__isnull=True
        ).values_list("pk", flat=True)
    )
