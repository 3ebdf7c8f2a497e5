"""The citizen check: a one-time code sent to the phone on record before a citizen acts on
their own record (a result certificate, a booking, a correction, a data request).

``citizen_check_start`` sends a 6-digit code by SMS through the gateway; ``citizen_check_verify``
checks what the citizen typed. Both are rate-limited (closed: 503 when the limiter's store is
down), audited with ids only, and say nothing about the person or the phone beyond what the
calling flow already knows (the person it passes in). The page and the session flag are in
``core.citizen_check``.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.audit import audit
from core.crypto import normalize_identifier
from core.models import CitizenCheck, OutboundMessage, Person
from core.services._common import Actor
from core.services.messages import message_send

CODE_DIGITS = 6


class Outcome(models.TextChoices):
    VERIFIED = "verified", _("Đã xác minh")
    WRONG = "wrong", _("Sai mã")
    EXPIRED = "expired", _("Mã đã hết hạn hoặc chưa được gửi")
    LOCKED = "locked", _("Nhập sai quá số lần cho phép")
    LIMITED = "limited", _("Thử quá nhiều lần")


class SendLimited(Exception):
    """Too many codes asked for this person or from this address in the last hour."""


def _code_hash(salt: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"citizen-check:{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def _send_allowed(person: Person, address: str) -> bool:
    counts: list[tuple[tuple[str, ...], int]] = [
        (("p", str(person.pk)), settings.CITIZEN_CHECK_SENDS_PER_PERSON)
    ]
    if address:
        counts.append((("a", address), settings.CITIZEN_CHECK_SENDS_PER_ADDRESS))
    return ratelimit.allow(ratelimit.CITIZEN_CHECK_SEND, counts)


def phone_hint(person: Person) -> str:
    """What the page may show of the phone on record: "09xx xxx 678" (first two and last
    three digits), or "" when there is none."""
    digits = normalize_identifier("phone", person.phone)
    if len(digits) < 6:
        return ""
    return f"{digits[:2]}xx xxx {digits[-3:]}"


def citizen_check_start(*, actor: Actor, person: Person, purpose: str, address: str = "") -> CitizenCheck:
    """Sends a fresh code for ``person`` and ``purpose`` (earlier open codes for them are closed).

    ``address`` is the client's address (``core.ratelimit.client_ip``) when a request asks.
    Raises ``SendLimited`` over the hourly limits and ``LimiterUnavailable`` (503) when the
    limiter's store is down. A person without a phone gets a code row all the same (nothing is
    sent, it can never be verified): the answer does not tell the two apart."""
    if not purpose or len(purpose) > 60:
        raise ValueError("a citizen check needs a purpose of at most 60 characters")
    if not _send_allowed(person, address):
        raise SendLimited
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        CitizenCheck.objects.filter(
            person=person, purpose=purpose, verified_at__isnull=True, closed_at__isnull=True
        ).update(closed_at=now)
        check = CitizenCheck.objects.create(
            person=person,
            purpose=purpose,
            salt=salt,
            code_hash=_code_hash(salt, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.CITIZEN_CHECK_CODE_MINUTES),
        )
        sent = bool(person.phone.strip())
        audit(
            actor=actor,
            action="citizen_check.start",
            target=check,
            details={"person": person.pk, "purpose": purpose, "sent": sent},
        )
        if sent:
            message_send(
                actor=actor,
                channel=OutboundMessage.Channel.SMS,
                recipient=person.phone,
                body=_("Mã xác minh của bạn là %(code)s, có hiệu lực %(minutes)d phút. Không chia sẻ mã này.")
                % {"code": code, "minutes": settings.CITIZEN_CHECK_CODE_MINUTES},
                purpose="citizen_check",
            )
    return check


def citizen_check_verify(
    *, actor: Actor, person: Person, purpose: str, code: str, address: str = ""
) -> Outcome:
    """Checks ``code`` against the newest open code of ``person`` and ``purpose``.

    Each try counts (kept even when wrong); after ``CITIZEN_CHECK_MAX_ATTEMPTS`` wrong tries the
    code is closed. Raises ``LimiterUnavailable`` (503) when the limiter's store is down."""
    counts: list[tuple[tuple[str, ...], int]] = []
    if address:
        counts.append((("a", address), settings.CITIZEN_CHECK_VERIFIES_PER_ADDRESS))
    if counts and not ratelimit.allow(ratelimit.CITIZEN_CHECK_VERIFY, counts):
        with transaction.atomic():
            _audit_verify(actor, person, purpose, None, Outcome.LIMITED)
        return Outcome.LIMITED
    code = "".join(c for c in code if c.isdigit())
    now = timezone.now()
    with transaction.atomic():
        check = (
            CitizenCheck.objects.select_for_update()
            .filter(person=person, purpose=purpose, verified_at__isnull=True, closed_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if check is None or check.expires_at <= now:
            outcome = Outcome.EXPIRED
        elif check.attempts >= settings.CITIZEN_CHECK_MAX_ATTEMPTS:
            outcome = Outcome.LOCKED
        else:
            check.attempts += 1
            if len(code) == CODE_DIGITS and hmac.compare_digest(
                _code_hash(check.salt, code), check.code_hash
            ):
                check.verified_at = now
                outcome = Outcome.VERIFIED
            elif check.attempts >= settings.CITIZEN_CHECK_MAX_ATTEMPTS:
                check.closed_at = now
                outcome = Outcome.LOCKED
            else:
                outcome = Outcome.WRONG
            check.save(update_fields=["attempts", "verified_at", "closed_at"])
        _audit_verify(actor, person, purpose, check, outcome)
    return outcome


def _audit_verify(
    actor: Actor, person: Person, purpose: str, check: CitizenCheck | None, outcome: Outcome
) -> None:
    audit(
        actor=actor,
        action="citizen_check.verify",
        target=check if check is not None else "core.citizencheck",
        details={"person": person.pk, "purpose": purpose, "outcome": str(outcome)},
    )
