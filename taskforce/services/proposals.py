"""Members' proposals and recommendations, and the leader's decision on them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from taskforce import selectors
from taskforce.capabilities import TaskforceCap
from taskforce.models import Proposal
from taskforce.services._common import Actor, is_leader, is_system, require


def proposal_submit(*, actor: Actor, title: str, body: str) -> Proposal:
    """A member sends a proposal or recommendation to the leader."""
    require(actor, TaskforceCap.TASKFORCE_PROPOSE)
    seat = selectors.seat_of(actor)
    if seat is None:
        raise PermissionDenied(_("Chỉ thành viên Tổ đang hoạt động được gửi đề xuất."))
    proposal = Proposal(title=title.strip(), body=body.strip(), submitted_by=seat)
    proposal.full_clean()
    with transaction.atomic():
        proposal.save()
        audit(actor=actor, action="proposal.submit", target=proposal)
    return proposal


def proposal_decide(*, actor: Actor, proposal: Proposal, status: str, response: str) -> Proposal:
    """The leader accepts, rejects or asks for more information, with a response."""
    require(actor, TaskforceCap.TASKFORCE_DECIDE)
    if not is_leader(actor):
        raise PermissionDenied(_("Chỉ Tổ trưởng xử lý đề xuất, kiến nghị."))
    if status not in {Proposal.Status.ACCEPTED, Proposal.Status.REJECTED, Proposal.Status.NEEDS_INFO}:
        raise ValidationError(_("Vui lòng chọn ý kiến xử lý."))
    if not response.strip():
        raise ValidationError(_("Vui lòng ghi ý kiến trả lời."))
    with transaction.atomic():
        proposal.status = status
        proposal.response = response.strip()
        proposal.decided_by = selectors.active_leader() if is_system(actor) else selectors.seat_of(actor)
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "response", "decided_by", "decided_at"])
        audit(actor=actor, action="proposal.decide", target=proposal, details={"status": status})
    return proposal
