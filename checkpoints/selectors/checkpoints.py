"""Checkpoints as each user may see, manage, approve or operate them; QR code look-ups.

Scope: an official sees the checkpoints of the organizations in their scope and those located
in their units; an operator sees the checkpoints they operate.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from checkpoints.capabilities import CheckpointCap
from checkpoints.models import Checkpoint, RevokedQrCode
from core import selectors as core_selectors
from core.roles import Role, user_can, user_has_role

User = Any


class RevokedCode(Exception):
    """The QR code was valid once and has been revoked."""


# --- Checkpoints --------------------------------------------------------------------------


def _in_scope(qs: QuerySet[Checkpoint], user: User) -> QuerySet[Checkpoint]:
    units = core_selectors.unit_ids_in_scope(user)
    if units is None:
        return qs
    organizations = core_selectors.organization_ids_in_scope(user) or set()
    return qs.filter(
        Q(unit_id__in=units) | Q(organization_id__in=organizations) | Q(operators=user)
    ).distinct()


def checkpoints_visible_to(user: User) -> QuerySet[Checkpoint]:
    qs = Checkpoint.objects.select_related("organization", "unit")
    if user_can(user, CheckpointCap.VIEW_CHECKPOINTS):
        return _in_scope(qs, user)
    if user_can(user, CheckpointCap.OPERATE_CHECKPOINTS):
        return qs.filter(operators=user)
    return qs.none()


def checkpoints_manageable_by(user: User) -> QuerySet[Checkpoint]:
    """Checkpoints whose QR code and operators the user may manage (the owner's officers)."""
    if not user_can(user, CheckpointCap.REGISTER_CHECKPOINTS):
        return Checkpoint.objects.none()
    return core_selectors.filter_by_organization_scope(
        Checkpoint.objects.select_related("organization", "unit"), user, field="organization"
    )


def checkpoints_approvable_by(user: User) -> QuerySet[Checkpoint]:
    """District officials approve in their units; the standing agency (secretariat) anywhere."""
    if not user_can(user, CheckpointCap.APPROVE_CHECKPOINTS):
        return Checkpoint.objects.none()
    qs = Checkpoint.objects.select_related("organization", "unit")
    if user.is_superuser or user_has_role(user, Role.SECRETARIAT):
        return qs
    return core_selectors.filter_by_unit_scope(qs, user, field="unit")


def checkpoints_operated_by(user: User) -> QuerySet[Checkpoint]:
    if user.is_authenticated and user.is_superuser:
        return Checkpoint.objects.filter(status=Checkpoint.Status.APPROVED)
    if not user_can(user, CheckpointCap.OPERATE_CHECKPOINTS):
        return Checkpoint.objects.none()
    return Checkpoint.objects.filter(operators=user, status=Checkpoint.Status.APPROVED)


def access_checkpoint(user: User, pk: int, queryset: QuerySet[Checkpoint] | None = None) -> Checkpoint:
    """One checkpoint from ``queryset`` (default: visible ones), or 404 (do not confirm it exists)."""
    qs = checkpoints_visible_to(user) if queryset is None else queryset
    try:
        return qs.get(pk=pk)
    except Checkpoint.DoesNotExist as exc:
        raise Http404 from exc


def checkpoint_by_token(token: str) -> Checkpoint:
    """The approved checkpoint a QR code opens. Raises RevokedCode or Checkpoint.DoesNotExist."""
    checkpoint = Checkpoint.objects.select_related("organization").filter(qr_token=token).first()
    if checkpoint is None:
        if RevokedQrCode.objects.filter(token=token).exists():
            raise RevokedCode
        raise Checkpoint.DoesNotExist
    if checkpoint.status != Checkpoint.Status.APPROVED:
        raise Checkpoint.DoesNotExist
    return checkpoint


def checkpoint_operator_candidates(checkpoint: Checkpoint) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=Role.CHECKPOINT_OPERATOR, is_active=True)
        .order_by("username")
    )
