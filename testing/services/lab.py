"""Lab work (issue points 3 and 4): receive, reject, pool, enter results one by one or in bulk.

Each service checks everything first and then writes: bad input stores nothing half-done.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.itemerrors import ItemErrors
from testing import selectors
from testing.capabilities import TestingCap
from testing.models import Lab, LabResult, Outcome, Sample, SamplePool, SamplingTask, TestKind
from testing.retention import RESULT_ROLLUP, SAMPLE_ROLLUP
from testing.services._common import Actor, clean_code, human, is_system, lab_in_scope, recount, require
from testing.services.cases import confirm_from_result


def _visible(actor: Actor, codes: list[str]) -> dict[str, Sample]:
    if is_system(actor):
        return {s.code: s for s in Sample.objects.filter(code__in=codes)}
    return selectors.samples_by_codes(actor, codes)


def _unknown(codes: list[str]) -> ValidationError:
    return ValidationError(
        _("Không có mẫu nào mang mã: %(codes)s. Không lưu gì.") % {"codes": ", ".join(codes[:20])}
    )


def samples_receive(*, actor: Actor, lab: Lab, codes: list[str]) -> list[Sample]:
    """The lab receives the scanned tubes; all or nothing."""
    require(actor, TestingCap.LAB)
    lab_in_scope(actor, lab)
    wanted = list(dict.fromkeys(clean_code(c) for c in codes if c.strip()))
    if not wanted:
        raise ValidationError(_("Vui lòng quét hoặc nhập ít nhất một mã mẫu."))
    with transaction.atomic():
        found = _visible(actor, wanted)
        missing = [c for c in wanted if c not in found]
        if missing:
            raise _unknown(missing)
        wrong = [c for c in wanted if found[c].status != Sample.Status.COLLECTED]
        if wrong:
            raise ValidationError(
                _("Các mẫu đã được nhận hoặc đã có kết quả: %(codes)s. Không lưu gì.")
                % {"codes": ", ".join(wrong[:20])}
            )
        now = timezone.now()
        ids = [found[c].pk for c in wanted]
        Sample.objects.filter(pk__in=ids).update(status=Sample.Status.RECEIVED, lab=lab, received_at=now)
        audit(actor=actor, action="sample.receive", target=Sample, target_ids=ids, details={"lab_id": lab.pk})
    return list(Sample.objects.filter(pk__in=ids))


def sample_reject(*, actor: Actor, sample: Sample, reason: str) -> Sample:
    """A specimen the lab cannot test: the site re-samples the person (a testing task)."""
    require(actor, TestingCap.LAB)
    if reason not in Sample.Rejection.values:
        raise ValidationError(_("Vui lòng chọn lý do từ chối mẫu."))
    if sample.status not in (Sample.Status.COLLECTED, Sample.Status.RECEIVED) or sample.pool_id:
        raise ValidationError(_("Mẫu %(code)s không thể từ chối ở trạng thái này.") % {"code": sample.code})
    with transaction.atomic():
        sample.status = Sample.Status.REJECTED
        sample.rejection = reason
        sample.save(update_fields=["status", "rejection"])
        recount(SAMPLE_ROLLUP, sample.collected_at)  # counted on its collection day
        task = SamplingTask.objects.create(
            person_id=sample.person_id,
            reason=SamplingTask.Reason.REJECTED,
            origin=sample,
            campaign_id=sample.campaign_id,
            unit_id=sample.site.unit_id,
        )
        audit(
            actor=actor, action="sample.reject", target=sample, details={"reason": reason, "task_id": task.pk}
        )
    return sample


def pool_create(*, actor: Actor, lab: Lab, code: str, codes: list[str]) -> SamplePool:
    """Pools received RT-PCR samples of this lab, each in no other pool, at most
    ``TESTING_POOL_SIZE`` of them."""
    require(actor, TestingCap.LAB)
    lab_in_scope(actor, lab)
    code = clean_code(code)
    wanted = list(dict.fromkeys(clean_code(c) for c in codes if c.strip()))
    if len(wanted) < 2:
        raise ValidationError(_("Một mẫu gộp cần ít nhất 2 mẫu."))
    if len(wanted) > settings.TESTING_POOL_SIZE:
        raise ValidationError(
            _("Một mẫu gộp có tối đa %(n)d mẫu (đang có %(k)d).")
            % {"n": settings.TESTING_POOL_SIZE, "k": len(wanted)}
        )
    if SamplePool.objects.filter(code=code).exists() or Sample.objects.filter(code=code).exists():
        raise ValidationError(_("Mã %(code)s đã được dùng.") % {"code": code})
    with transaction.atomic():
        found = {
            s.code: s
            for s in Sample.objects.select_for_update().filter(
                pk__in=[s.pk for s in _visible(actor, wanted).values()]
            )
        }
        missing = [c for c in wanted if c not in found]
        if missing:
            raise _unknown(missing)
        for c in wanted:
            s = found[c]
            if s.pool_id:
                raise ValidationError(_("Mẫu %(code)s đã thuộc một mẫu gộp khác.") % {"code": c})
            if s.status != Sample.Status.RECEIVED or s.lab_id != lab.pk:
                raise ValidationError(_("Mẫu %(code)s chưa được phòng xét nghiệm này nhận.") % {"code": c})
            if s.test_kind != TestKind.RT_PCR:
                raise ValidationError(_("Chỉ gộp mẫu xét nghiệm RT-PCR (mẫu %(code)s).") % {"code": c})
        pool = SamplePool.objects.create(code=code, lab=lab)
        ids = [found[c].pk for c in wanted]
        Sample.objects.filter(pk__in=ids).update(pool=pool)
        recount(SAMPLE_ROLLUP, *(found[c].collected_at for c in wanted))
        audit(actor=actor, action="pool.create", target=pool, details={"sample_ids": ids})
    return pool


def _check_outcome(
    outcome: str, ct_value: Decimal | None, verified_by: str, resulted_at: datetime.datetime
) -> None:
    if outcome not in Outcome.values:
        raise ValidationError(_("Kết quả phải là dương tính, âm tính hoặc không xác định."))
    if not verified_by.strip():
        raise ValidationError(_("Vui lòng nhập người xác nhận kết quả."))
    if resulted_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(_("Thời điểm có kết quả không được ở tương lai."))
    if ct_value is not None and not (Decimal(0) < ct_value < Decimal(50)):
        raise ValidationError(_("Giá trị Ct phải trong khoảng 0–50."))


def _apply_pool(pool: SamplePool, outcome: str) -> dict[str, list[int]]:
    """Negative: each member "negative by pool". Positive or inconclusive: each member pending,
    with a re-sampling task (docs/domain.md §5: a positive pool means each person is re-sampled)."""
    members = list(pool.members.select_related("site"))
    recount(SAMPLE_ROLLUP, *(m.collected_at for m in members))  # the pool's figures: members' days
    if outcome == Outcome.NEGATIVE:
        recount(RESULT_ROLLUP, pool.resulted_at)
        LabResult.objects.bulk_create(
            [
                LabResult(
                    sample=m,
                    outcome=Outcome.NEGATIVE,
                    via=LabResult.Via.POOL,
                    resulted_at=pool.resulted_at or timezone.now(),
                    verified_by=pool.verified_by,
                )
                for m in members
            ]
        )
        Sample.objects.filter(pool=pool).update(status=Sample.Status.RESULTED)
        return {"negative": [m.pk for m in members]}
    Sample.objects.filter(pool=pool).update(status=Sample.Status.PENDING)
    tasks = SamplingTask.objects.bulk_create(
        [
            SamplingTask(
                person_id=m.person_id,
                reason=SamplingTask.Reason.POOL_POSITIVE,
                origin=m,
                campaign_id=m.campaign_id,
                unit_id=m.site.unit_id,
            )
            for m in members
        ]
    )
    return {"pending": [m.pk for m in members], "tasks": [t.pk for t in tasks]}


def pool_result_enter(
    *,
    actor: Actor,
    pool: SamplePool,
    outcome: str,
    verified_by: str,
    resulted_at: datetime.datetime | None = None,
    ct_value: Decimal | None = None,
) -> SamplePool:
    """A pool's result, entered once (a change goes through ``pool_result_correct``)."""
    require(actor, TestingCap.LAB)
    lab_in_scope(actor, pool.lab)
    resulted_at = resulted_at or timezone.now()
    _check_outcome(outcome, ct_value, verified_by, resulted_at)
    with transaction.atomic():
        pool = SamplePool.objects.select_for_update().get(pk=pool.pk)
        if pool.outcome:
            raise ValidationError(
                _("Mẫu gộp %(code)s đã có kết quả; muốn sửa, dùng chức năng sửa kết quả (có ghi lý do).")
                % {"code": pool.code}
            )
        pool.outcome, pool.resulted_at, pool.ct_value, pool.verified_by = (
            outcome,
            resulted_at,
            ct_value,
            verified_by,
        )
        pool.save()
        effect = _apply_pool(pool, outcome)
        audit(actor=actor, action="pool.result", target=pool, details={"outcome": outcome, **effect})
    return pool


def pool_result_correct(
    *, actor: Actor, pool: SamplePool, outcome: str, verified_by: str, reason: str
) -> SamplePool:
    """Corrects a pool's result while none of its members has been re-sampled: the old effect
    (results by pool, or pending members and their tasks) is undone, the new one applied."""
    require(actor, TestingCap.LAB)
    lab_in_scope(actor, pool.lab)
    if not reason.strip():
        raise ValidationError(_("Vui lòng ghi lý do sửa kết quả."))
    _check_outcome(outcome, None, verified_by, timezone.now())
    with transaction.atomic():
        pool = SamplePool.objects.select_for_update().get(pk=pool.pk)
        if not pool.outcome:
            raise ValidationError(_("Mẫu gộp này chưa có kết quả để sửa."))
        if outcome == pool.outcome:
            raise ValidationError(_("Kết quả mới giống kết quả cũ."))
        tasks = SamplingTask.objects.filter(origin__pool=pool, reason=SamplingTask.Reason.POOL_POSITIVE)
        if tasks.filter(done_by__isnull=False).exists():
            raise ValidationError(_("Đã lấy mẫu lại cho người trong mẫu gộp: không sửa được kết quả gộp."))
        previous = pool.outcome
        if previous == Outcome.NEGATIVE:
            recount(RESULT_ROLLUP, pool.resulted_at)  # its results by pool go
        tasks.delete()
        LabResult.objects.filter(sample__pool=pool, via=LabResult.Via.POOL).delete()
        pool.outcome, pool.verified_by, pool.resulted_at = outcome, verified_by, timezone.now()
        pool.save()
        effect = _apply_pool(pool, outcome)
        audit(
            actor=actor,
            action="pool.correct",
            target=pool,
            reason=reason,
            details={"from": previous, "to": outcome, **effect},
        )
    return pool


@dataclass
class ResultRow:
    """One result as a form, a bulk paste, an import or the API gives it."""

    code: str
    outcome: str
    verified_by: str
    resulted_at: datetime.datetime | None = None
    ct_value: Decimal | None = None


def check_result_rows(actor: Actor, lab: Lab, rows: list[ResultRow]) -> tuple[dict[str, Sample], list[str]]:
    """Every row's problems, numbered from 1 as the person sees them; nothing written."""
    found, errors = _row_errors(actor, lab, rows)
    return found, [message for _number, message in errors]


def _row_errors(
    actor: Actor, lab: Lab, rows: list[ResultRow]
) -> tuple[dict[str, Sample], list[tuple[int, str]]]:
    """(row number, message) for every problem, in row order."""
    errors: list[tuple[int, str]] = []
    codes: list[str] = []
    for number, row in enumerate(rows, start=1):
        try:
            row.code = clean_code(row.code)
            row.resulted_at = row.resulted_at or timezone.now()
            _check_outcome(row.outcome, row.ct_value, row.verified_by, row.resulted_at)
        except ValidationError as exc:
            errors.append(
                (number, _("Dòng %(n)d: %(error)s") % {"n": number, "error": " ".join(exc.messages)})
            )
            continue
        codes.append(row.code)
    found = _visible(actor, codes)
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if row.code not in codes:
            continue
        sample = found.get(row.code)
        message = ""
        if sample is None:
            message = _("Dòng %(n)d: không có mẫu mã %(code)s.") % {"n": number, "code": row.code}
        elif row.code in seen:
            message = _("Dòng %(n)d: mã %(code)s lặp lại trong tệp.") % {"n": number, "code": row.code}
        elif sample.lab_id != lab.pk or sample.status != Sample.Status.RECEIVED:
            message = _(
                "Dòng %(n)d: mẫu %(code)s chưa được phòng xét nghiệm này nhận, hoặc đã có kết quả."
            ) % {"n": number, "code": row.code}
        elif sample.pool_id:
            message = _("Dòng %(n)d: mẫu %(code)s thuộc mẫu gộp; nhập kết quả cho mẫu gộp.") % {
                "n": number,
                "code": row.code,
            }
        if message:
            errors.append((number, message))
        seen.add(row.code)
    errors.sort(key=lambda e: e[0])
    return found, errors


def _store_results(
    actor: Actor, rows: list[ResultRow], found: dict[str, Sample], via: str
) -> tuple[list[int], list[int]]:
    recount(RESULT_ROLLUP, *(r.resulted_at for r in rows))  # back-dated results
    results = LabResult.objects.bulk_create(
        [
            LabResult(
                sample=found[r.code],
                outcome=r.outcome,
                via=via,
                resulted_at=r.resulted_at or timezone.now(),
                ct_value=r.ct_value,
                verified_by=r.verified_by.strip(),
                entered_by=human(actor),
            )
            for r in rows
        ]
    )
    Sample.objects.filter(pk__in=[found[r.code].pk for r in rows]).update(status=Sample.Status.RESULTED)
    cases = [
        c.pk
        for c in (
            confirm_from_result(found[r.code], r.outcome, r.resulted_at or timezone.now()) for r in rows
        )
        if c
    ]
    return [r.pk for r in results], cases


def results_enter(
    *, actor: Actor, lab: Lab, rows: list[ResultRow], via: str = LabResult.Via.SINGLE
) -> list[int]:
    """Results for received single samples, one or many: every row valid or nothing stored.
    A positive RT-PCR (or a positive antigen where configured) confirms a case."""
    require(actor, TestingCap.LAB)
    lab_in_scope(actor, lab)
    if not rows:
        raise ValidationError(_("Không có dòng kết quả nào."))
    with transaction.atomic():
        found, errors = _row_errors(actor, lab, rows)
        if errors:
            # "Dòng N: ..." on the pages; one entry per row of ``results`` in the API.
            raise ItemErrors(errors, count=len(rows), field="results")
        ids, cases = _store_results(actor, rows, found, via)
        audit(
            actor=actor,
            action="labresult.enter",
            target=LabResult,
            target_ids=ids,
            details={"lab_id": lab.pk, "via": via, "cases": cases},
        )
    return ids
