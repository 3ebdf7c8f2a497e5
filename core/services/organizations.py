"""Organizations (agencies, departments): create and update within the actor's scope."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import selectors
from core.audit import audit
from core.capabilities import Cap
from core.models import (
    Organization,
)
from core.services._common import Actor, is_system, require

ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "parent",
    "unit",
    "address",
    "contact_email",
    "contact_phone",
    "is_standing_agency",
    "is_active",
)


def _check_organization(actor: Actor, organization: Organization) -> None:
    if is_system(actor):
        return
    units = selectors.unit_ids_in_scope(actor)
    if units is not None and organization.unit_id not in units:
        raise PermissionDenied(_("Địa bàn của cơ quan nằm ngoài phạm vi của bạn."))
    if organization.pk and organization.parent_id == organization.pk:
        raise ValidationError(_("Cơ quan không thể trực thuộc chính nó."))


def organization_create(*, actor: Actor, **fields: Any) -> Organization:
    require(actor, Cap.EDIT_ORGANIZATIONS)
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    organization = Organization(**fields)
    organization.full_clean()
    _check_organization(actor, organization)
    with transaction.atomic():
        if organization.is_standing_agency:
            Organization.objects.filter(is_standing_agency=True).update(is_standing_agency=False)
        organization.save()
        audit(actor=actor, action="organization.create", target=organization)
    return organization


def organization_update(*, actor: Actor, organization: Organization, **fields: Any) -> Organization:
    require(actor, Cap.EDIT_ORGANIZATIONS)
    if (
        not is_system(actor)
        and not selectors.organizations_editable_by(actor).filter(pk=organization.pk).exists()
    ):
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi của bạn."))
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    _check_organization(actor, organization)
    with transaction.atomic():
        if organization.is_standing_agency:
            Organization.objects.filter(is_standing_agency=True).exclude(pk=organization.pk).update(
                is_standing_agency=False
            )
        organization.save()
        audit(
            actor=actor, action="organization.update", target=organization, details={"fields": sorted(fields)}
        )
    return organization
