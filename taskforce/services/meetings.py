"""Meetings: scheduling (weekly series or ad hoc), agenda, invitations, attendance, minutes."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.actors import SystemActor
from core.audit import audit
from core.services import message_send
from taskforce import ical, selectors
from taskforce.capabilities import TaskforceCap
from taskforce.models import AgendaItem, Attendance, Conclusion, Meeting, MeetingSeries, Member
from taskforce.services._common import Actor, human, require


def _invite(meeting: Meeting, members: Iterable[Member]) -> list[int]:
    existing = set(meeting.attendances.values_list("member_id", flat=True))
    new = [Attendance(meeting=meeting, member=m) for m in members if m.pk not in existing]
    Attendance.objects.bulk_create(new)
    return [a.member_id for a in new]


def _bump_sequence(meeting: Meeting) -> None:
    """Calendar clients replace an event only when its SEQUENCE grows (RFC 5545 §3.8.7.4)."""
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db(fields=["sequence"])


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def meeting_schedule(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    kind: str = Meeting.Kind.AD_HOC,
    agenda: Sequence[str] = (),
    invitees: Iterable[Member] | None = None,
) -> Meeting:
    """An ad-hoc (or single periodic) meeting, chaired by the leader; every active member is
    invited unless ``invitees`` says otherwise."""
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    if ends_at <= starts_at:
        raise ValidationError(_("Giờ kết thúc phải sau giờ bắt đầu."))
    day = timezone.localtime(starts_at).date()
    meeting = Meeting(
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        kind=kind,
        chair=selectors.active_leader(day),
        created_by=human(actor),
    )
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=meeting, order=i, title=t.strip())
                for i, t in enumerate(agenda, 1)
                if t.strip()
            ]
        )
        invited = _invite(meeting, Member.objects.active_on(day) if invitees is None else invitees)
        audit(actor=actor, action="meeting.schedule", target=meeting, details={"invited_member_ids": invited})
    return meeting


def meeting_series_create(
    *,
    actor: Actor,
    title: str,
    weekday: int,
    start_time: datetime.time,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    duration_minutes: int = 90,
    location: str = "",
    weeks_ahead: int = 8,
) -> MeetingSeries:
    """A weekly series; its meetings are created up to ``ends_on`` (or ``weeks_ahead``),
    each inviting the members active on its date."""
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    series = MeetingSeries(
        title=title.strip(),
        weekday=weekday,
        start_time=start_time,
        duration_minutes=duration_minutes,
        location=location.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    series.full_clean()
    last = ends_on or starts_on + datetime.timedelta(weeks=weeks_ahead)
    day = starts_on + datetime.timedelta(days=(weekday - starts_on.weekday()) % 7)
    with transaction.atomic():
        series.save()
        meeting_ids = []
        while day <= last:
            starts_at = _aware(day, start_time)
            meeting = Meeting.objects.create(
                series=series,
                kind=Meeting.Kind.PERIODIC,
                title=f"{series.title} {day:%d/%m/%Y}",
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=duration_minutes),
                location=series.location,
                chair=selectors.active_leader(day),
                created_by=human(actor),
            )
            _invite(meeting, Member.objects.active_on(day))
            meeting_ids.append(meeting.pk)
            day += datetime.timedelta(weeks=1)
        audit(
            actor=actor, action="meeting_series.create", target=series, details={"meeting_ids": meeting_ids}
        )
    return series


def meeting_agenda_add(
    *, actor: Actor, meeting: Meeting, title: str, presenter: Member | None = None
) -> AgendaItem:
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    if not title.strip():
        raise ValidationError(_("Vui lòng nhập nội dung họp."))
    with transaction.atomic():
        order = meeting.agenda_items.count() + 1
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, title=title.strip(), presenter=presenter
        )
        _bump_sequence(meeting)
        audit(actor=actor, action="meeting.agenda_add", target=meeting, details={"agenda_item_id": item.pk})
    return item


def meeting_invitations_send(*, actor: Actor, meeting: Meeting) -> list[int]:
    """Sends the invitation and agenda (with an .ics) to every invited member with an email:
    the e-mails are queued in this transaction (``core.services.message_send``), so a broker
    down at commit leaves them queued and the sweep sends them (docs/operations.md)."""
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Cuộc họp đã hủy."))
    with transaction.atomic():
        members = list(Member.objects.filter(attendances__meeting=meeting).exclude(email="").order_by("pk"))
        meeting.invitations_sent_at = timezone.now()
        meeting.save(update_fields=["invitations_sent_at"])
        meeting = Meeting.objects.select_related("chair").get(pk=meeting.pk)
        _invitations_queue(actor, meeting, members)
        member_ids = [m.pk for m in members]
        audit(
            actor=actor, action="meeting.invitations_send", target=meeting, details={"member_ids": member_ids}
        )
    return member_ids


def meeting_invitation_deliver(*, meeting_id: int, member_id: int) -> Any:
    """One invitation email, for invitation tasks queued by an earlier version
    (``taskforce.tasks.send_meeting_invitation``); its audit row is the message's."""
    meeting = Meeting.objects.select_related("chair").get(pk=meeting_id)
    member = Member.objects.get(pk=member_id)
    return _invitations_queue(SystemActor("celery:send_meeting_invitation"), meeting, [member])[0]


def _invitations_queue(actor: Any, meeting: Meeting, members: Sequence[Member]) -> list[Any]:
    """The invitation e-mails, one per member, queued (``message_send``); written in the
    portal's language (Vietnamese) whatever the sender's page is in, as the worker wrote them."""
    with translation.override(settings.LANGUAGE_CODE):
        agenda = "\n".join(f"{i.order}. {i.title}" for i in meeting.agenda_items.all()) or "-"
        start = timezone.localtime(meeting.starts_at)
        subject = _("Giấy mời họp: %(title)s") % {"title": meeting.title}
        ics = ical.calendar([meeting], method="REQUEST").encode()
        messages = []
        for member in members:
            body = _(
                "Kính gửi %(name)s,\n\nTổ công nghệ phòng, chống dịch COVID-19 kính mời dự họp: %(title)s\n"
                "Thời gian: %(time)s\nĐịa điểm: %(location)s\nChủ trì: %(chair)s\n\nNội dung:\n%(agenda)s\n"
            ) % {
                "name": member.full_name,
                "title": meeting.title,
                "time": f"{start:%H:%M %d/%m/%Y}",
                "location": meeting.location or "-",
                "chair": meeting.chair.full_name if meeting.chair else "-",
                "agenda": agenda,
            }
            messages.append(
                message_send(
                    actor=actor,
                    channel="email",
                    recipient=member.email,
                    subject=subject,
                    body=body,
                    purpose="meeting.invitation",
                    attachment=("moi-hop.ics", ics),
                )
            )
    return messages


@dataclass(frozen=True)
class AttendanceEntry:
    member_id: int
    status: str
    delegate_name: str = ""
    note: str = ""


def meeting_attendance_record(*, actor: Actor, meeting: Meeting, entries: Sequence[AttendanceEntry]) -> int:
    """Records who came (present, absent, excused, sent a delegate); members not yet
    invited are added. Returns the number of rows written."""
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    valid = set(Attendance.Status.values)
    errors = []
    for entry in entries:
        if entry.status not in valid:
            errors.append(_("Tình trạng dự họp không hợp lệ."))
        if entry.status == Attendance.Status.DELEGATE and not entry.delegate_name.strip():
            errors.append(_("Vui lòng ghi tên người dự thay."))
    if errors:
        raise ValidationError(sorted(set(errors)))
    members = {m.pk: m for m in Member.objects.filter(pk__in=[e.member_id for e in entries])}
    if len(members) != len({e.member_id for e in entries}):
        raise ValidationError(_("Thành viên không tồn tại."))
    with transaction.atomic():
        existing = {a.member_id: a for a in meeting.attendances.all()}
        changed = []
        for entry in entries:
            row = existing.get(entry.member_id) or Attendance(
                meeting=meeting, member=members[entry.member_id]
            )
            row.status = entry.status
            row.delegate_name = (
                entry.delegate_name.strip() if entry.status == Attendance.Status.DELEGATE else ""
            )
            row.note = entry.note.strip()[:300]
            row.save()
            changed.append(row.pk)
        audit(actor=actor, action="meeting.attendance", target=meeting, details={"attendance_ids": changed})
    return len(changed)


def meeting_minutes_record(*, actor: Actor, meeting: Meeting, minutes: str, held: bool = True) -> Meeting:
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Cuộc họp đã hủy."))
    if meeting.starts_at > timezone.now():
        # Minutes record what was said; a meeting that has not started has none yet.
        raise ValidationError(
            _("Cuộc họp chưa diễn ra (bắt đầu lúc %(start)s): chưa thể ghi biên bản hay đánh dấu đã họp.")
            % {"start": f"{timezone.localtime(meeting.starts_at):%H:%M %d/%m/%Y}"}
        )
    with transaction.atomic():
        meeting.minutes = minutes.strip()
        if held:
            meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["minutes", "status"])
        _bump_sequence(meeting)
        audit(actor=actor, action="meeting.minutes", target=meeting, details={"held": held})
    return meeting


def meeting_cancel(*, actor: Actor, meeting: Meeting, reason: str) -> Meeting:
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("Cuộc họp đã diễn ra, không thể hủy."))
    with transaction.atomic():
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        _bump_sequence(meeting)
        audit(actor=actor, action="meeting.cancel", target=meeting, reason=reason)
    return meeting


def meeting_conclusion_add(
    *, actor: Actor, meeting: Meeting, text: str, agenda_item: AgendaItem | None = None
) -> Conclusion:
    require(actor, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    if not text.strip():
        raise ValidationError(_("Vui lòng nhập nội dung kết luận."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("Nội dung họp không thuộc cuộc họp này."))
    with transaction.atomic():
        order = meeting.conclusions.count() + 1
        conclusion = Conclusion.objects.create(
            meeting=meeting, order=order, text=text.strip(), agenda_item=agenda_item
        )
        audit(
            actor=actor,
            action="meeting.conclusion_add",
            target=conclusion,
            details={"meeting_id": meeting.pk},
        )
    return conclusion
