"""API tokens for integrations: created and revoked by administrators (``apitokens.manage``)."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.apitokens import hash_token, new_token, token_scopes
from core.audit import audit
from core.capabilities import Cap
from core.models import ApiToken, Organization
from core.services._common import Actor, require, user_of


def _check_organization(actor: Actor, organization: Organization) -> None:
    from core.actors import is_system
    from core.selectors import organization_ids_in_scope

    if is_system(actor):
        return
    ids = organization_ids_in_scope(actor)
    if ids is not None and organization.pk not in ids:
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi của bạn."))


def api_token_create(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    scopes: list[str],
    expires_at: datetime.datetime | None = None,
    rate_per_minute: int | None = None,
) -> tuple[ApiToken, str]:
    """Creates a token and answers it with its key: the only time the key exists in clear
    (the row keeps its prefix and hash). Show it once, never store or log it."""
    require(actor, Cap.MANAGE_API_TOKENS)
    _check_organization(actor, organization)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Nhập tên hệ thống tích hợp.")})
    unknown = sorted(set(scopes) - set(token_scopes()))
    if unknown or not scopes:
        raise ValidationError({"scopes": _("Chọn ít nhất một phạm vi quyền hợp lệ.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Thời điểm hết hạn phải ở tương lai.")})
    rate = settings.API_TOKEN_RATE_PER_MINUTE if rate_per_minute is None else rate_per_minute
    if rate < 1:
        raise ValidationError({"rate_per_minute": _("Số yêu cầu mỗi phút phải lớn hơn 0.")})
    raw, prefix = new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            organization=organization,
            name=name[:120],
            prefix=prefix,
            token_hash=hash_token(raw),
            scopes=sorted(set(scopes)),
            rate_per_minute=rate,
            expires_at=expires_at,
            created_by=user_of(actor),
        )
        audit(
            actor=actor,
            action="apitoken.create",
            target=token,
            details={"organization": organization.pk, "scopes": token.scopes, "prefix": prefix},
        )
    return token, raw


def api_token_revoke(*, actor: Actor, token: ApiToken, reason: str = "") -> ApiToken:
    """Revokes a token at once: its next request answers 401. Revoking twice changes nothing
    more (the first time stays recorded) but is audited."""
    require(actor, Cap.MANAGE_API_TOKENS)
    _check_organization(actor, token.organization)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        already = token.revoked_at is not None
        if not already:
            token.revoked_at = timezone.now()
            token.revoked_by = user_of(actor)
            token.save(update_fields=["revoked_at", "revoked_by"])
        audit(
            actor=actor,
            action="apitoken.revoke",
            target=token,
            reason=reason,
            details={"organization": token.organization_id, "already_revoked": already},
        )
    return token
