"""Every write of the checkpoints app: ``<entity>_<action>(*, actor, ...)``, one audit row each.

A visitor's check-in is composed by ``checkpoints.intake``: ``core.services.person_resolve_for_visitor``
for each person, then ``checkin_create`` here, in one transaction.
"""

import datetime
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from checkpoints import selectors
from checkpoints.models import CheckIn, CheckinDailyStat, Checkpoint, RevokedQrCode
from checkpoints.notify import alert_if_flagged
from core.audit import audit
from core.models import AdministrativeUnit, Organization, Person
from core.roles import Cap, Role, require_capability, user_has_role
from core.selectors import organization_ids_in_scope
from declarations.data import DeclarationData, build_declaration
from declarations.models import Declaration

Actor = Any


_require = require_capability


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _new_token() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


# --- Registration and approval ------------------------------------------------------------

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
    if actor is None:
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
    _require(actor, Cap.REGISTER_CHECKPOINTS)
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
        registered_by=_user(actor),
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
    _require(actor, Cap.REGISTER_CHECKPOINTS)
    if actor is not None:
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
    _require(actor, Cap.APPROVE_CHECKPOINTS)
    if actor is not None:
        checkpoint = selectors.access_checkpoint(
            actor, checkpoint.pk, selectors.checkpoints_approvable_by(actor)
        )
    if not approve and not note.strip():
        raise ValidationError(_("Vui lòng ghi lý do không duyệt."))
    with transaction.atomic():
        checkpoint.status = Checkpoint.Status.APPROVED if approve else Checkpoint.Status.REJECTED
        checkpoint.decided_by = _user(actor)
        checkpoint.decided_at = timezone.now()
        checkpoint.decision_note = note.strip()[:500]
        checkpoint.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit(actor=actor, action="checkpoint.approve" if approve else "checkpoint.reject", target=checkpoint)
    return checkpoint


def checkpoint_operators_set(*, actor: Actor, checkpoint: Checkpoint, operators: Sequence[Any]) -> Checkpoint:
    """The owner names the staff who scan at this checkpoint (checkpoint operator accounts)."""
    _require(actor, Cap.REGISTER_CHECKPOINTS)
    if actor is not None:
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
    _require(actor, Cap.REGISTER_CHECKPOINTS)
    if actor is not None:
        checkpoint = selectors.access_checkpoint(
            actor, checkpoint.pk, selectors.checkpoints_manageable_by(actor)
        )
    with transaction.atomic():
        RevokedQrCode.objects.create(
            token=checkpoint.qr_token, checkpoint=checkpoint, revoked_by=_user(actor)
        )
        checkpoint.qr_token = _new_token()
        checkpoint.qr_issued_at = timezone.now()
        checkpoint.save(update_fields=["qr_token", "qr_issued_at"])
        audit(actor=actor, action="checkpoint.qr_reissue", target=checkpoint)
    return checkpoint


# --- Check-in and check-out ---------------------------------------------------------------


def _may_operate(actor: Actor, checkpoint: Checkpoint) -> None:
    if actor is None:
        return
    if not selectors.checkpoints_operated_by(actor).filter(pk=checkpoint.pk).exists():
        raise PermissionDenied(_("Bạn không phải nhân viên của điểm kiểm dịch này."))


def estimated_checkout(
    checkpoint: Checkpoint, checked_in_at: datetime.datetime
) -> tuple[datetime.datetime, str]:
    """Closing time if it comes before the default duration ends, else the default duration."""
    default = checked_in_at + datetime.timedelta(minutes=settings.CHECKIN_DEFAULT_MINUTES)
    if checkpoint.closes_at:
        local = timezone.localtime(checked_in_at)
        closing = local.replace(
            hour=checkpoint.closes_at.hour, minute=checkpoint.closes_at.minute, second=0, microsecond=0
        )
        if checked_in_at < closing < default:
            return closing, CheckIn.Checkout.CLOSING
    return default, CheckIn.Checkout.DEFAULT


def checkin_create(
    *,
    actor: Actor,
    checkpoint: Checkpoint,
    entries: Sequence[tuple[Person, DeclarationData]],
    method: str,
    submission: uuid.UUID | None = None,
    checked_in_at: datetime.datetime | None = None,
) -> list[CheckIn]:
    """Records one submission: the declarant (first entry) and household members, each with a
    declaration and a check-in. Idempotent on ``submission``: a retry returns the stored rows.

    Visitors (``actor=None``) check themselves in now; operators scan (``staff``) or key in
    paper forms (``paper``, with the time written on the form).
    """
    if not entries:
        raise ValidationError(_("Chưa có người nào để ghi nhận."))
    if method == CheckIn.Method.SELF:
        if checked_in_at is not None:
            raise ValidationError(_("Người dân tự quét chỉ ghi nhận thời điểm hiện tại."))
    else:
        if actor is None or not actor.is_authenticated:
            raise PermissionDenied(_("Chỉ nhân viên điểm kiểm dịch được quét mã hoặc nhập tờ khai giấy."))
        _require(actor, Cap.OPERATE_CHECKPOINTS)
        _may_operate(actor, checkpoint)
    if checkpoint.status != Checkpoint.Status.APPROVED:
        raise ValidationError(_("Điểm kiểm dịch này chưa được duyệt."))
    now = timezone.now()
    at = checked_in_at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError(_("Thời điểm vào không được ở tương lai."))
    if at < selectors.retention_cutoff(now):
        raise ValidationError(
            _("Tờ khai cũ hơn %(days)s ngày (thời hạn lưu trữ) không được nhập.")
            % {"days": settings.CHECKIN_RETENTION_DAYS}
        )
    # Idempotent on ``submission`` through the unique (submission, position) constraint: a
    # replay fails its insert below and returns the stored rows. No look-up first: callers
    # (``intake``) already looked before resolving anyone, and a look-up per check-in was a
    # round trip on the hottest path (docs/benchmarks.md, check-in under load).
    submission = submission or uuid.uuid4()
    out, out_method = estimated_checkout(checkpoint, at)
    source = {
        CheckIn.Method.SELF: Declaration.Source.SELF,
        CheckIn.Method.STAFF: Declaration.Source.STAFF,
        CheckIn.Method.PAPER: Declaration.Source.PAPER,
    }[CheckIn.Method(method)]
    entered_by = _user(actor)
    try:
        with transaction.atomic():
            declarations = [
                build_declaration(
                    data,
                    person=person,
                    kind=Declaration.Kind.CHECKIN,
                    source=source,
                    entered_by=entered_by,
                    created_at=now,
                )
                for person, data in entries
            ]
            if len(declarations) == 1:
                declarations[0].save()
            else:
                Declaration.objects.bulk_create(declarations)
            checkins = [
                CheckIn(
                    checkpoint=checkpoint,
                    person=person,
                    declaration=declaration,
                    submission=submission,
                    position=index,
                    method=method,
                    checked_in_at=at,
                    checked_out_at=out,
                    checkout_method=out_method,
                    risk=declaration.risk,
                    entered_by=entered_by,
                    created_at=now,
                )
                for index, ((person, _data), declaration) in enumerate(
                    zip(entries, declarations, strict=True)
                )
            ]
            if len(checkins) == 1:
                checkins[0].save()
            else:
                CheckIn.objects.bulk_create(checkins)
            # Inferred check-out: a visit still open elsewhere ended when this one began.
            CheckIn.objects.filter(
                person_id__in=[p.pk for p, _d in entries],
                checked_in_at__gte=at - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
                checked_in_at__lt=at,
                checked_out_at__gt=at,
                checkout_method__in=[CheckIn.Checkout.DEFAULT, CheckIn.Checkout.CLOSING],
            ).exclude(checkpoint=checkpoint).update(
                checked_out_at=at, checkout_method=CheckIn.Checkout.NEXT_CHECKIN
            )
            flagged = [c.pk for c in checkins if c.risk != Declaration.Risk.NONE]
            audit(
                actor=actor,
                action="checkin.create",
                target=checkins[0],
                target_ids=[c.pk for c in checkins] if len(checkins) > 1 else (),
                details={
                    "checkpoint_id": checkpoint.pk,
                    "method": method,
                    "person_ids": [p.pk for p, _d in entries],
                    "declaration_ids": [d.pk for d in declarations],
                    "flagged_ids": flagged,
                },
            )
            alert_if_flagged(checkins)
    except IntegrityError:
        # The same submission was stored before (a retry) or raced in: the first one won.
        existing = selectors.checkins_of_submission(submission)
        if existing:
            return existing
        raise
    return checkins


def checkin_checkout(
    *,
    actor: Actor,
    checkpoint: Checkpoint,
    submission: uuid.UUID | None = None,
    person: Person | None = None,
    at: datetime.datetime | None = None,
) -> list[CheckIn]:
    """A scanned check-out: the visitor taps "check out" (their submission) or an operator
    scans them again (``person``). Returns the check-ins closed (none if already closed)."""
    if (submission is None) == (person is None):
        raise TypeError("give a submission or a person")
    if actor is not None and actor.is_authenticated:
        _require(actor, Cap.OPERATE_CHECKPOINTS)
        _may_operate(actor, checkpoint)
    elif person is not None:
        raise PermissionDenied(_("Chỉ nhân viên điểm kiểm dịch được quét mã khi ra."))
    at = at or timezone.now()
    qs = CheckIn.objects.filter(
        checkpoint=checkpoint,
        checked_in_at__lte=at,
        checked_in_at__gte=at - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
    ).exclude(checkout_method=CheckIn.Checkout.SCANNED)
    if submission is not None:
        qs = qs.filter(submission=submission)
    else:
        latest = qs.filter(person=person).order_by("-checked_in_at").first()
        qs = qs.filter(pk=latest.pk) if latest else qs.none()
    with transaction.atomic():
        closed = list(qs.select_for_update())
        for checkin in closed:
            checkin.checked_out_at = at
            checkin.checkout_method = CheckIn.Checkout.SCANNED
        CheckIn.objects.bulk_update(closed, ["checked_out_at", "checkout_method"])
        audit(
            actor=actor,
            action="checkin.checkout",
            target=CheckIn,
            target_ids=[c.pk for c in closed],
            details={"checkpoint_id": checkpoint.pk, "count": len(closed)},
        )
    return closed


def checkin_alert_mark(*, checkin_id: int) -> list[CheckIn]:
    """Marks a flagged submission as alerted, once; returns its flagged check-ins the first time
    (the alert task then sends the messages), nothing on a retry."""
    with transaction.atomic():
        first = CheckIn.objects.select_for_update().filter(pk=checkin_id, alerted_at__isnull=True).first()
        rows: list[CheckIn] = []
        if first is not None:
            rows = list(
                CheckIn.objects.filter(submission=first.submission, alerted_at__isnull=True)
                .exclude(risk=Declaration.Risk.NONE)
                .select_related("checkpoint", "checkpoint__unit")
            )
            CheckIn.objects.filter(pk__in=[r.pk for r in rows] + [first.pk]).update(alerted_at=timezone.now())
        audit(
            actor=None,
            action="checkin.alert",
            target=CheckIn,
            target_ids=[r.pk for r in rows],
            details={"checkin_id": checkin_id, "already_alerted": first is None},
        )
    return rows


# --- Statistics, retention, silent checkpoints --------------------------------------------


def _rollup(before: datetime.datetime) -> int:
    oldest = (
        CheckIn.objects.filter(checked_in_at__lt=before)
        .order_by("checked_in_at")
        .values_list("checked_in_at", flat=True)
        .first()
    )
    if oldest is None:
        return 0
    first_day = timezone.localdate(oldest)
    rows = [
        CheckinDailyStat(**row) for row in selectors._live_stats(selectors.local_midnight(first_day), before)
    ]
    done = set(CheckinDailyStat.objects.filter(day__gte=first_day).values_list("checkpoint_id", "day"))
    fresh = [r for r in rows if (r.checkpoint_id, r.day) not in done]
    CheckinDailyStat.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    return len(fresh)


def checkin_stats_rollup(*, actor: Actor, before: datetime.datetime) -> int:
    """Stores daily counts for every day before ``before`` (a local midnight) that has no row
    yet, so they survive the purge. Days are rolled up once, right before their deletion
    (later paper entries for them are refused: they are past retention)."""
    with transaction.atomic():
        created = _rollup(before)
        audit(
            actor=actor, action="checkin_stat.rollup", target=CheckinDailyStat, details={"created": created}
        )
    return created


def checkins_purge_expired(
    *, actor: Actor, now: datetime.datetime | None = None, batch_size: int | None = None
) -> int:
    """Deletes check-ins past retention, ``batch_size`` rows per short transaction so check-ins
    keep flowing; their daily counts are rolled up first. Not one transaction by design: a
    purge of a million rows must not hold locks for minutes. One audit row at the end."""
    cutoff = selectors.retention_cutoff(now)
    batch = batch_size or settings.RETENTION_BATCH_SIZE
    with transaction.atomic():
        rolled_up = _rollup(cutoff)
    deleted = 0
    # Walk the time index forward from where the last batch ended (``>=``: rows sharing the
    # last batch's final instant may remain). Restarting from the oldest row every batch made
    # each scan step over the index entries of every row deleted so far.
    since: datetime.datetime | None = None
    while True:
        with transaction.atomic():
            expired = CheckIn.objects.filter(checked_in_at__lt=cutoff)
            if since is not None:
                expired = expired.filter(checked_in_at__gte=since)
            rows = list(expired.order_by("checked_in_at").values_list("id", "checked_in_at")[:batch])
            if not rows:
                break
            CheckIn.objects.filter(id__in=[pk for pk, _at in rows]).delete()
        since = rows[-1][1]
        deleted += len(rows)
    with transaction.atomic():
        audit(
            actor=actor,
            action="checkin.purge",
            target=CheckIn,
            details={"deleted": deleted, "rolled_up": rolled_up, "cutoff": cutoff.isoformat()},
        )
    return deleted


def checkpoints_mark_silent(*, actor: Actor, now: datetime.datetime | None = None) -> list[Checkpoint]:
    """Finds approved checkpoints without a check-in for N days, not yet reminded in that time;
    marks them reminded and returns them (the task notifies their organizations)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.SILENT_CHECKPOINT_DAYS)
    with transaction.atomic():
        silent = list(
            selectors.silent_checkpoints(now=now)
            .filter(Q(silent_notified_at__isnull=True) | Q(silent_notified_at__lt=since))
            .select_for_update(of=("self",))
        )
        Checkpoint.objects.filter(pk__in=[c.pk for c in silent]).update(silent_notified_at=now)
        audit(actor=actor, action="checkpoint.silent", target=Checkpoint, target_ids=[c.pk for c in silent])
    return silent
