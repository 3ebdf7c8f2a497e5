"""Checkpoints: registration by their agency, approval, operators, QR codes."""

import datetime
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkpoints import selectors
from checkpoints.capabilities import CheckpointCap
from checkpoints.models import Checkpoint, RevokedQrCode
from checkpoints.services._common import Actor, human, is_system, require
from core.audit import audit
from core.models import AdministrativeUnit, Organization
from core.roles import Role, user_has_role
from core.selectors import organization_ids_in_scope


def _new_token() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


CHECKPOINT_FIELDS = (
    "name",
    "organization",
    "kind",
    "unit",
    "address_line",
    "latitude",
    "longitude",
    "opens_at",
    "closes_at",
)


def _validate(checkpoint: Checkpoint) -> None:
    checkpoint.full_clean(exclude=["qr_token", "registered_by", "decided_by"])
    if (checkpoint.latitude is None) != (checkpoint.longitude is None):
        raise ValidationError(_("Vui lòng nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."))
    if checkpoint.opens_at and checkpoint.closes_at and checkpoint.opens_at >= checkpoint.closes_at:
        raise ValidationError(_("Giờ mở cửa phải trước giờ đóng cửa."))


def _check_owner(actor: Actor, organization: Organization) -> None:
    if is_system(actor):
        return
    allowed = organization_ids_in_scope(actor)
    if allowed is not None and organization.pk not in allowed:
        raise PermissionDenied(_("Bạn chỉ đăng ký được điểm kiểm dịch cho cơ quan của mình."))


def checkpoint_register(
    *,
    actor: Actor,
    name: str,
    organization: Organization,
    kind: str,
    unit: AdministrativeUnit,
    address_line: str = "",
    latitude: Any = None,
    longitude: Any = None,
    opens_at: datetime.time | None = None,
    closes_at: datetime.time | None = None,
) -> Checkpoint:
    """An agency registers a checkpoint; it waits for approval."""
    require(actor, CheckpointCap.REGISTER_CHECKPOINTS)
    _check_owner(actor, organization)
    checkpoint = Checkpoint(
        name=" ".join(name.split()),
        organization=organization,
        kind=kind,
        unit=unit,
        address_line=address_line.strip(),
        latitude=latitude,
        longitude=longitude,
        opens_at=opens_at,
        closes_at=closes_at,
        registered_by=human(actor),
        qr_token=_new_token(),
    )
    _validate(checkpoint)
    with transaction.atomic():
        checkpoint.save()
        audit(
            actor=actor,
            action="checkpoint.register",
            target=checkpoint,
            details={"organization_id": organization.pk},
        )
    return checkpoint


def checkpoint_update(*, actor: Actor, checkpoint: Checkpoint, **fields: Any) -> Checkpoint:
    require(actor, CheckpointCap.REGISTER_CHECKPOINTS)
    if not is_system(actor):
        checkpoint = selectors.access_checkpoint(
            actor, checkpoint.pk, selectors.checkpoints_manageable_by(actor)
        )
    unknown = set(fields) - set(CHECKPOINT_FIELDS)
    if unknown:
        raise TypeError(f"unknown checkpoint fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(checkpoint, name, value)
    _check_owner(actor, checkpoint.organization)
    _validate(checkpoint)
    with transaction.atomic():
        checkpoint.save()
        audit(actor=actor, action="checkpoint.update", target=checkpoint, details={"fields": sorted(fields)})
    return checkpoint


def checkpoint_decide(*, actor: Actor, checkpoint: Checkpoint, approve: bool, note: str = "") -> Checkpoint:
    """A district official (in their units) or the standing agency approves or rejects."""
    require(actor, CheckpointCap.APPROVE_CHECKPOINTS)
    if not is_system(actor):
        checkpoint = selectors.access_checkpoint(
            actor, checkpoint.pk, selectors.checkpoints_approvable_by(actor)
        )
    if not approve and not note.strip():
        raise ValidationError(_("Vui lòng ghi lý do không duyệt."))
    with transaction.atomic():
        checkpoint.status = Checkpoint.Status.APPROVED if approve else Checkpoint.Status.REJECTED
        checkpoint.decided_by = human(actor)
        checkpoint.decided_at = timezone.now()
        checkpoint.decision_note = note.strip()[:500]
        checkpoint.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit(actor=actor, action="checkpoint.approve" if approve else "checkpoint.reject", target=checkpoint)
    return checkpoint


def checkpoint_operators_set(*, actor: Actor, checkpoint: Checkpoint, operators: Sequence[Any]) -> Checkpoint:
    """The owner names the staff who scan at this checkpoint (checkpoint operator accounts)."""
    require(actor, CheckpointCap.REGISTER_CHECKPOINTS)
    if not is_system(actor):
        checkpoint = selectors.access_checkpoint(
            actor, checkpoint.pk, selectors.checkpoints_manageable_by(actor)
        )
    for user in operators:
        if not user_has_role(user, Role.CHECKPOINT_OPERATOR):
            raise ValidationError(
                _("Tài khoản %(name)s không có vai trò nhân viên điểm kiểm dịch.")
                % {"name": user.get_username()}
            )
    with transaction.atomic():
        checkpoint.operators.set(operators)
        audit(
            actor=actor,
            action="checkpoint.operators_set",
            target=checkpoint,
            details={"user_ids": sorted(u.pk for u in operators)},
        )
    return checkpoint


def checkpoint_qr_reissue(*, actor: Actor, checkpoint: Checkpoint) -> Checkpoint:
    """Revokes the current QR code (scanning it then says so) and issues a new one."""
    require(actor, CheckpointCap.REGISTER_CHECKPOINTS)
    if not is_system(actor):
        checkpoint = selectors.access_checkpoint(
            actor, checkpoint.pk, selectors.checkpoints_manageable_by(actor)
        )
    with transaction.atomic():
        RevokedQrCode.objects.create(
            token=checkpoint.qr_token, checkpoint=checkpoint, revoked_by=human(actor)
        )
        checkpoint.qr_token = _new_token()
        checkpoint.qr_issued_at = timezone.now()
        checkpoint.save(update_fields=["qr_token", "qr_issued_at"])
        audit(actor=actor, action="checkpoint.qr_reissue", target=checkpoint)
    return checkpoint
