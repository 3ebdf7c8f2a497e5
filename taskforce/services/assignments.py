"""Assignments: giving them (directly or from a meeting's conclusion), progress, overdue."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import SystemActor
from core.audit import audit
from core.models import Organization
from core.roles import user_can
from core.services import message_send
from taskforce import selectors
from taskforce.capabilities import TaskforceCap
from taskforce.models import Assignment, AssignmentUpdate, Conclusion, Member, Proposal
from taskforce.services._common import Actor, assigner_seat, can_assign, human, is_system, require


def _new_assignment(
    *,
    actor: Actor,
    assigner: Member | None,
    title: str,
    description: str,
    due_on: datetime.date,
    priority: str,
    source: str,
    backdated: bool = False,
    assignee_member: Member | None = None,
    assignee_organization: Organization | None = None,
    **links: Any,
) -> Assignment:
    today = selectors.today()
    if due_on < today and not backdated:
        raise ValidationError(
            _(
                "Hạn hoàn thành %(due)s đã qua. Nếu đây là nhiệm vụ đã giao trước đây, chọn "
                "“Ghi nhận nhiệm vụ giao trước đây”; nhiệm vụ sẽ được ghi là quá hạn."
            )
            % {"due": f"{due_on:%d/%m/%Y}"}
        )
    assignment = Assignment(
        title=title.strip(),
        description=description.strip(),
        assignee_member=assignee_member,
        assignee_organization=assignee_organization,
        assigned_by=assigner,
        due_on=due_on,
        priority=priority,
        source=source,
        created_by=human(actor),
        # A back-dated entry past its due date is overdue now, not at the next morning's run.
        status=Assignment.Status.OVERDUE if due_on < today else Assignment.Status.NEW,
        **links,
    )
    if (assignee_member is None) == (assignee_organization is None):
        raise ValidationError(_("Chọn một thành viên hoặc một cơ quan thực hiện."))
    if assignee_member is not None and not assignee_member.is_active_on(today):
        raise ValidationError(_("Thành viên này không còn trong Tổ."))
    assignment.full_clean()
    assignment.save()
    return assignment


def assignment_create(
    *,
    actor: Actor,
    title: str,
    due_on: datetime.date,
    description: str = "",
    assignee_member: Member | None = None,
    assignee_organization: Organization | None = None,
    priority: str = Assignment.Priority.NORMAL,
    source: str = Assignment.Source.LEADER,
    source_reference: str = "",
    proposal: Proposal | None = None,
    backdated: bool = False,
) -> Assignment:
    """The leader (or a delegated deputy) gives an assignment; a chairman's instruction or an
    accepted proposal is recorded as its source. A due date in the past is refused unless
    ``backdated`` (recording an assignment given earlier, e.g. on paper): it is overdue at once."""
    assigner = assigner_seat(actor)
    if source == Assignment.Source.CONCLUSION:
        raise ValidationError(_("Nhiệm vụ từ kết luận cuộc họp được giao trên trang cuộc họp."))
    if proposal is not None:
        source = Assignment.Source.PROPOSAL
        if proposal.status != Proposal.Status.ACCEPTED:
            raise ValidationError(_("Chỉ giao nhiệm vụ từ đề xuất đã được chấp thuận."))
    with transaction.atomic():
        assignment = _new_assignment(
            actor=actor,
            assigner=assigner,
            title=title,
            description=description,
            due_on=due_on,
            priority=priority,
            source=source,
            assignee_member=assignee_member,
            assignee_organization=assignee_organization,
            source_reference=source_reference.strip(),
            proposal=proposal,
            backdated=backdated,
        )
        audit(
            actor=actor,
            action="assignment.create",
            target=assignment,
            details={"source": source, "backdated": backdated},
        )
    return assignment


def conclusion_assign(
    *,
    actor: Actor,
    conclusion: Conclusion,
    due_on: datetime.date,
    assignee_members: Sequence[Member] = (),
    assignee_organizations: Sequence[Organization] = (),
    title: str = "",
    description: str = "",
    priority: str = Assignment.Priority.NORMAL,
    backdated: bool = False,
) -> list[Assignment]:
    """Turns a meeting's conclusion into one assignment per assignee, in one step (a past due
    date only as a ``backdated`` entry, as in ``assignment_create``)."""
    assigner = assigner_seat(actor)
    if not assignee_members and not assignee_organizations:
        raise ValidationError(_("Chọn ít nhất một thành viên hoặc cơ quan thực hiện."))
    meeting = conclusion.meeting
    title = title.strip() or conclusion.text.split("\n", 1)[0][:200]
    reference = _("Kết luận cuộc họp %(title)s") % {"title": meeting.title}
    with transaction.atomic():
        common: dict[str, Any] = {
            "actor": actor,
            "assigner": assigner,
            "title": title,
            "description": description or conclusion.text,
            "due_on": due_on,
            "priority": priority,
            "source": Assignment.Source.CONCLUSION,
            "conclusion": conclusion,
            "source_reference": reference[:200],
            "backdated": backdated,
        }
        created = [_new_assignment(assignee_member=m, **common) for m in assignee_members]
        created += [_new_assignment(assignee_organization=o, **common) for o in assignee_organizations]
        audit(
            actor=actor,
            action="conclusion.assign",
            target=conclusion,
            details={"assignment_ids": [a.pk for a in created], "backdated": backdated},
        )
    return created


def may_work_on(actor: Actor, assignment: Assignment) -> bool:
    if is_system(actor) or actor.is_superuser or can_assign(actor):
        return True
    if not user_can(actor, TaskforceCap.ASSIGNMENT_WORK):
        return False
    member = assignment.assignee_member
    if member is not None and member.user_id == actor.pk:
        return True
    orgs = selectors.work_organization_ids(actor)
    return bool(assignment.assignee_organization_id) and (
        orgs is None or assignment.assignee_organization_id in orgs
    )


def assignment_progress(
    *,
    actor: Actor,
    assignment: Assignment,
    text: str,
    status: str,
    progress: int | None = None,
    attachment: UploadedFile | None = None,
) -> AssignmentUpdate:
    """A progress update by the assignee (or the assigner). Only the assigner cancels; an
    overdue assignment stays overdue until it is done."""
    if not may_work_on(actor, assignment):
        raise PermissionDenied(_("Bạn chỉ được cập nhật nhiệm vụ giao cho mình hoặc cơ quan mình."))
    allowed = {Assignment.Status.IN_PROGRESS, Assignment.Status.DONE}
    if is_system(actor) or can_assign(actor):
        allowed |= {Assignment.Status.CANCELLED, Assignment.Status.NEW}
    if status not in allowed:
        raise ValidationError(_("Trạng thái này không được chọn."))
    if not assignment.is_open:
        raise ValidationError(_("Nhiệm vụ đã kết thúc."))
    if not text.strip():
        raise ValidationError(_("Vui lòng ghi nội dung cập nhật."))
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationError(_("Tiến độ phải từ 0 đến 100%."))
    if status == Assignment.Status.DONE:
        progress = 100
    elif status == Assignment.Status.IN_PROGRESS and assignment.status == Assignment.Status.OVERDUE:
        status = Assignment.Status.OVERDUE
    with transaction.atomic():
        update = AssignmentUpdate(
            assignment=assignment,
            author=human(actor),
            text=text.strip(),
            status=status,
            progress=assignment.progress if progress is None else progress,
        )
        if attachment is not None:
            update.attachment = attachment
        update.save()
        assignment.status = status
        assignment.progress = update.progress
        assignment.completed_at = timezone.now() if status == Assignment.Status.DONE else None
        assignment.save(update_fields=["status", "progress", "completed_at"])
        audit(
            actor=actor,
            action="assignment.progress",
            target=assignment,
            details={"update_id": update.pk, "status": status, "attachment": bool(attachment)},
        )
    return update


def assignments_mark_overdue(*, actor: Actor, on: datetime.date | None = None) -> list[int]:
    """Daily (``taskforce.tasks.mark_overdue_assignments``): open assignments past their due
    date become overdue. The task then queues the reminders (``assignment_reminder_send``,
    ``overdue_digest_send``) in the same transaction."""
    require(actor, TaskforceCap.TASKFORCE_ASSIGN)
    day = on or selectors.today()
    with transaction.atomic():
        ids = list(
            selectors.assignments_due_for_overdue(day).select_for_update().values_list("pk", flat=True)
        )
        Assignment.objects.filter(pk__in=ids).update(status=Assignment.Status.OVERDUE)
        to_remind = list(selectors.assignments_to_remind(day).values_list("pk", flat=True))
        audit(
            actor=actor,
            action="assignment.mark_overdue",
            target=Assignment,
            target_ids=ids,
            details={"marked": ids, "to_remind": to_remind, "on": day.isoformat()},
        )
    return ids


def _assignee_email(assignment: Assignment) -> str:
    if assignment.assignee_member is not None:
        return assignment.assignee_member.email
    return assignment.assignee_organization.contact_email if assignment.assignee_organization else ""


def assignment_reminder_send(*, assignment_id: int, on: datetime.date | None = None) -> Any:
    """Reminds the assignee of one overdue assignment, once a day. Its audit row is the
    message's (``message.queue``, purpose ``assignment.reminder``); None when nothing is sent."""
    day = on or selectors.today()
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("assignee_member", "assignee_organization")
            .get(pk=assignment_id)
        )
        email = _assignee_email(assignment)
        if assignment.status != Assignment.Status.OVERDUE or assignment.last_reminded_on == day or not email:
            return None
        assignment.last_reminded_on = day
        assignment.save(update_fields=["last_reminded_on"])
        body = _(
            'Nhiệm vụ "%(title)s" đã quá hạn (hạn %(due)s). Đề nghị cập nhật tiến độ trên cổng thông tin '
            "của Tổ công nghệ."
        ) % {"title": assignment.title, "due": f"{assignment.due_on:%d/%m/%Y}"}
        return message_send(
            actor=SystemActor("celery:mark_overdue_assignments"),
            channel="email",
            recipient=email,
            subject=_("Nhắc hạn nhiệm vụ: %(title)s") % {"title": assignment.title},
            body=body,
            purpose="assignment.reminder",
        )


def overdue_digest_send(*, on: datetime.date | None = None) -> Any:
    """The leader's daily list of overdue assignments (audit row: the message's)."""
    leader = selectors.active_leader(on)
    overdue = list(
        Assignment.objects.filter(status=Assignment.Status.OVERDUE).select_related(
            "assignee_member", "assignee_organization"
        )
    )
    if leader is None or not leader.email or not overdue:
        return None
    lines = [f"- {a.title} — {a.assignee} — {a.due_on:%d/%m/%Y}" for a in overdue]
    body = _("Các nhiệm vụ quá hạn (%(count)s):") % {"count": len(overdue)} + "\n" + "\n".join(lines)
    with transaction.atomic():
        return message_send(
            actor=SystemActor("celery:mark_overdue_assignments"),
            channel="email",
            recipient=leader.email,
            subject=_("Nhiệm vụ quá hạn ngày %(day)s") % {"day": f"{(on or selectors.today()):%d/%m/%Y}"},
            body=body,
            purpose="assignment.overdue_digest",
        )
