"""Check-in and check-out, and the one-time alert mark of a flagged submission.

A visitor's check-in is composed by ``checkpoints.intake``: ``core.services.person_resolve_for_visitor``
for each person, then ``checkin_create`` here, in one transaction.
"""

import datetime
import uuid
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkpoints import selectors
from checkpoints.capabilities import CheckpointCap
from checkpoints.models import CheckIn, Checkpoint
from checkpoints.notify import alert_if_flagged
from checkpoints.retention import CHECKIN_ROLLUP, retention_cutoff
from checkpoints.services._common import (
    Actor,
    household_size_check,
    human,
    is_system,
    require,
    submission_owned,
)
from core import rollups
from core.actors import SystemActor, check_actor
from core.audit import audit
from core.models import Person
from declarations.data import DeclarationData, build_declaration
from declarations.models import Declaration


def _may_operate(actor: Actor, checkpoint: Checkpoint) -> None:
    if is_system(actor):
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
    new_people: AbstractSet[int] = frozenset(),
) -> list[CheckIn]:
    """Records one submission: the declarant (first entry) and household members, each with a
    declaration and a check-in. Idempotent on ``submission``: a retry returns the stored rows;
    a submission id stored at another checkpoint raises ``SubmissionConflict``. A person with a
    visit still open here that began within ``CHECKIN_REPEAT_MINUTES`` is not checked in again.

    Visitors (a ``core.actors.Visitor``) check themselves in now; operators scan (``staff``) or key in
    paper forms (``paper``, with the time written on the form).

    ``new_people``: ids of people created in the caller's still-open transaction. Nobody can
    have recorded a visit of theirs, so the look-ups for a repeat and for visits to close skip
    them (three statements fewer for a first-time visitor, docs/benchmarks.md issue 16).
    """
    now = timezone.now()
    at = _checkin_time(
        actor=actor,
        checkpoint=checkpoint,
        entries=entries,
        method=method,
        checked_in_at=checked_in_at,
        now=now,
    )
    # Idempotent on ``submission`` through the unique (submission, position) constraint: a
    # replay fails its insert below and returns the stored rows. No look-up first: callers
    # (``intake``) already looked before resolving anyone, and a look-up per check-in was a
    # round trip on the hottest path (docs/benchmarks.md, check-in under load).
    submission = submission or uuid.uuid4()
    known = [p.pk for p, _d in entries if p.pk not in new_people]
    repeats = repeat_visits(checkpoint, known, at) if known else {}
    entries = [(p, d) for p, d in entries if p.pk not in repeats]
    if not entries:
        return list(repeats.values())
    try:
        with transaction.atomic():
            checkins = _store(
                actor=actor,
                checkpoint=checkpoint,
                entries=entries,
                method=method,
                submission=submission,
                at=at,
                now=now,
                known=[pk for pk in known if pk not in repeats],
            )
    except IntegrityError:
        # The same submission was stored before (a retry) or raced in: the first one won.
        existing = selectors.checkins_of_submission(submission)
        if existing:
            return submission_owned(existing, checkpoint.pk)
        raise
    return checkins + list(repeats.values())


def _checkin_time(
    *,
    actor: Actor,
    checkpoint: Checkpoint,
    entries: Sequence[tuple[Person, DeclarationData]],
    method: str,
    checked_in_at: datetime.datetime | None,
    now: datetime.datetime,
) -> datetime.datetime:
    """Who may record this check-in, and when it happened: refuses what may not be stored."""
    check_actor(actor)
    if not entries:
        raise ValidationError(_("Chưa có người nào để ghi nhận."))
    household_size_check(len(entries))
    if method == CheckIn.Method.SELF:
        if checked_in_at is not None:
            raise ValidationError(_("Người dân tự quét chỉ ghi nhận thời điểm hiện tại."))
    else:
        if not actor.is_authenticated:  # a visitor or the system does not operate a checkpoint
            raise PermissionDenied(_("Chỉ nhân viên điểm kiểm dịch được quét mã hoặc nhập tờ khai giấy."))
        require(actor, CheckpointCap.OPERATE_CHECKPOINTS)
        _may_operate(actor, checkpoint)
    if checkpoint.status != Checkpoint.Status.APPROVED:
        raise ValidationError(_("Điểm kiểm dịch này chưa được duyệt."))
    at = checked_in_at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError(_("Thời điểm vào không được ở tương lai."))
    if at < retention_cutoff(now):
        raise ValidationError(
            _("Tờ khai cũ hơn %(days)s ngày (thời hạn lưu trữ) không được nhập.")
            % {"days": settings.CHECKIN_RETENTION_DAYS}
        )
    return at


_DECLARATION_SOURCE = {
    CheckIn.Method.SELF: Declaration.Source.SELF,
    CheckIn.Method.STAFF: Declaration.Source.STAFF,
    CheckIn.Method.PAPER: Declaration.Source.PAPER,
}


def _store(
    *,
    actor: Actor,
    checkpoint: Checkpoint,
    entries: Sequence[tuple[Person, DeclarationData]],
    method: str,
    submission: uuid.UUID,
    at: datetime.datetime,
    now: datetime.datetime,
    known: list[int],
) -> list[CheckIn]:
    """The declarations and check-ins of one submission, the check-outs they imply (for the
    ``known`` people: those who may have a visit open), and the audit row; runs inside the
    caller's transaction."""
    out, out_method = estimated_checkout(checkpoint, at)
    entered_by = human(actor)
    declarations = [
        build_declaration(
            data,
            person=person,
            kind=Declaration.Kind.CHECKIN,
            source=_DECLARATION_SOURCE[CheckIn.Method(method)],
            entered_by=entered_by,
            created_at=now,
        )
        for person, data in entries
    ]
    _save_all(Declaration, declarations)
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
        for index, ((person, _data), declaration) in enumerate(zip(entries, declarations, strict=True))
    ]
    _save_all(CheckIn, checkins)
    if timezone.localdate(at) < timezone.localdate(now):
        # A back-dated paper entry: the day may be folded already; it is counted again.
        rollups.mark_stale(CHECKIN_ROLLUP, timezone.localdate(at))
    person_ids = [p.pk for p, _d in entries]
    if known:
        close_open_elsewhere(checkpoint, known, at)
        close_earlier_here(checkpoint, known, at)
    audit(
        actor=actor,
        action="checkin.create",
        target=checkins[0],
        target_ids=[c.pk for c in checkins] if len(checkins) > 1 else (),
        details={
            "checkpoint_id": checkpoint.pk,
            "method": method,
            "person_ids": person_ids,
            "declaration_ids": [d.pk for d in declarations],
            "flagged_ids": [c.pk for c in checkins if c.risk != Declaration.Risk.NONE],
        },
    )
    alert_if_flagged(checkins)
    return checkins


def _save_all(model: Any, rows: list[Any]) -> None:
    """One row is saved (one INSERT), several are bulk-created (one INSERT as well)."""
    if len(rows) == 1:
        rows[0].save()
    else:
        model.objects.bulk_create(rows)


def close_open_elsewhere(checkpoint: Checkpoint, person_ids: list[int], at: datetime.datetime) -> None:
    """Inferred check-out: a visit still open at another checkpoint ended when this one began."""
    CheckIn.objects.filter(
        person_id__in=person_ids,
        checked_in_at__gte=at - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
        checked_in_at__lt=at,
        checked_out_at__gt=at,
        checkout_method__in=[CheckIn.Checkout.DEFAULT, CheckIn.Checkout.CLOSING],
    ).exclude(checkpoint=checkpoint).update(checked_out_at=at, checkout_method=CheckIn.Checkout.NEXT_CHECKIN)


def repeat_visits(checkpoint: Checkpoint, person_ids: list[int], at: datetime.datetime) -> dict[int, CheckIn]:
    """The visits still open at ``checkpoint`` that a check-in of these people at ``at`` repeats
    (begun less than ``CHECKIN_REPEAT_MINUTES`` before or after it), by person, marked ``repeat``."""
    window = datetime.timedelta(minutes=settings.CHECKIN_REPEAT_MINUTES)
    found: dict[int, CheckIn] = {}
    rows = CheckIn.objects.filter(
        checkpoint=checkpoint,
        person_id__in=person_ids,
        checked_in_at__gt=at - window,
        checked_in_at__lt=at + window,
        checked_out_at__gt=at,
    ).order_by("checked_in_at", "id")
    for row in rows:
        row.repeat = True
        found.setdefault(row.person_id, row)
    return found


def close_earlier_here(checkpoint: Checkpoint, person_ids: list[int], at: datetime.datetime) -> None:
    """A check-in after the repeat window ends the same person's visit still open at the same
    checkpoint (the inferred check-out above covers the other checkpoints)."""
    CheckIn.objects.filter(
        checkpoint=checkpoint,
        person_id__in=person_ids,
        checked_in_at__gte=at - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
        checked_in_at__lt=at,
        checked_out_at__gt=at,
        checkout_method__in=[CheckIn.Checkout.DEFAULT, CheckIn.Checkout.CLOSING],
    ).update(checked_out_at=at, checkout_method=CheckIn.Checkout.NEXT_CHECKIN)


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
    check_actor(actor)
    if (submission is None) == (person is None):
        raise TypeError("give a submission or a person")
    if actor.is_authenticated:
        require(actor, CheckpointCap.OPERATE_CHECKPOINTS)
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
            actor=SystemActor("celery:alert_flagged"),
            action="checkin.alert",
            target=CheckIn,
            target_ids=[r.pk for r in rows],
            details={"checkin_id": checkin_id, "already_alerted": first is None},
        )
    return rows
