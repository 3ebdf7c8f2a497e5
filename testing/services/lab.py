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
from core.bulk import bulk_insert
from core.imports import line_error, repeated, repeated_error
from core.itemerrors import ItemErrors
from testing import selectors
from testing.capabilities import TestingCap
from testing.models import Lab, LabResult, Outcome, Sample, SamplePool, SamplingTask, TestKind
from testing.retention import RESULT_ROLLUP, SAMPLE_ROLLUP
from testing.services._common import Actor, clean_code, human, is_system, lab_in_scope, recount, require
from testing.services.cases import confirm_from_results


def _visible(actor: Actor, codes: list[str]) -> dict[str, Sample]:
    if is_system(actor):
        return {s.code: s for s in Sample.objects.filter(code__in=codes)}
    return selectors.samples_by_codes(actor, codes)


# What the result checks and writes read of a sample (``check_numbered_rows``, ``store_results``,
# ``confirm_from_results``): a file of 100,000 rows loads no more (no joined site, lab, pool,
# person — whose encrypted columns would be decrypted — nor result).
_CHECKED_FIELDS = (
    "id",
    "code",
    "status",
    "lab_id",
    "pool_id",
    "rejection",
    "person_id",
    "site_id",
    "test_kind",
)


def _visible_for_results(actor: Actor, codes: list[str]) -> dict[str, Sample]:
    visible = Sample.objects.all() if is_system(actor) else selectors.samples_visible_to(actor)
    return {s.code: s for s in visible.filter(code__in=codes).select_related(None).only(*_CHECKED_FIELDS)}


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


_OUTCOMES = frozenset(Outcome.values)  # ``Outcome.values`` builds a list at every call


def _check_outcome(
    outcome: str, ct_value: Decimal | None, verified_by: str, resulted_at: datetime.datetime
) -> None:
    if outcome not in _OUTCOMES:
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


# The words a lab writes for a result (the bulk paste and the file import read the same).
OUTCOME_WORDS = {
    "duong": Outcome.POSITIVE,
    "dương": Outcome.POSITIVE,
    "duong tinh": Outcome.POSITIVE,
    "dương tính": Outcome.POSITIVE,
    "+": Outcome.POSITIVE,
    "positive": Outcome.POSITIVE,
    "am": Outcome.NEGATIVE,
    "âm": Outcome.NEGATIVE,
    "am tinh": Outcome.NEGATIVE,
    "âm tính": Outcome.NEGATIVE,
    "-": Outcome.NEGATIVE,
    "negative": Outcome.NEGATIVE,
    "kxd": Outcome.INCONCLUSIVE,
    "không xác định": Outcome.INCONCLUSIVE,
    "khong xac dinh": Outcome.INCONCLUSIVE,
    "inconclusive": Outcome.INCONCLUSIVE,
}

CHUNK = 5000  # codes per IN (...) query: SQLite's variable limit, PostgreSQL's plan size


def result_key(row: ResultRow) -> str:
    """The natural key of a result row: its specimen code as scanned."""
    return (row.code or "").strip().upper()


def _same(result: LabResult, row: ResultRow) -> bool:
    return (result.outcome, result.resulted_at, result.ct_value, result.verified_by) == (
        row.outcome,
        row.resulted_at,
        row.ct_value,
        row.verified_by.strip(),
    )


def check_numbered_rows(
    actor: Actor, lab: Lab, rows: list[tuple[int, ResultRow]], *, same_ok: bool = False
) -> tuple[dict[str, Sample], list[tuple[int, str]], set[int]]:
    """Every row's problems as (line, "Dòng N: ..."), set-based: one query per kind of look-up
    for any number of rows; nothing written. With ``same_ok`` (imports), a row whose sample
    already has exactly this result is returned among the unchanged lines, not refused:
    re-importing a file stores nothing twice."""
    errors: list[tuple[int, str]] = []
    valid: list[tuple[int, ResultRow]] = []
    again = repeated((number, result_key(row)) for number, row in rows)
    for number, row in rows:
        if number in again:  # first, so the row-by-row import (tests/testing/test_imports.py) agrees
            errors.append((number, repeated_error(number, result_key(row), again[number])))
            continue
        try:
            row.code = clean_code(row.code)
            row.resulted_at = row.resulted_at or timezone.now()
            _check_outcome(row.outcome, row.ct_value, row.verified_by, row.resulted_at)
        except ValidationError as exc:
            errors.append((number, line_error(number, " ".join(exc.messages))))
            continue
        valid.append((number, row))
    codes = list(dict.fromkeys(row.code for _n, row in valid))
    found: dict[str, Sample] = {}
    for start in range(0, len(codes), CHUNK):
        found.update(_visible_for_results(actor, codes[start : start + CHUNK]))
    stored: dict[int, LabResult] = {}
    if same_ok:
        done = [s.pk for s in found.values() if s.status == Sample.Status.RESULTED]
        for start in range(0, len(done), CHUNK):
            stored.update(
                (r.sample_id, r) for r in LabResult.objects.filter(sample_id__in=done[start : start + CHUNK])
            )
    unchanged: set[int] = set()
    for number, row in valid:
        sample = found.get(row.code)
        if sample is None:
            errors.append(
                (number, _("Dòng %(n)d: không có mẫu mã %(code)s.") % {"n": number, "code": row.code})
            )
        elif sample.pk in stored and _same(stored[sample.pk], row):
            unchanged.add(number)
        elif sample.pk in stored:
            errors.append(
                (
                    number,
                    _(
                        "Dòng %(n)d: mẫu %(code)s đã có kết quả khác (%(outcome)s); kết quả đã trả "
                        "không sửa bằng nhập tệp."
                    )
                    % {"n": number, "code": row.code, "outcome": stored[sample.pk].get_outcome_display()},
                )
            )
        elif sample.status == Sample.Status.REJECTED:
            errors.append(
                (
                    number,
                    _("Dòng %(n)d: mẫu %(code)s đã bị từ chối (%(reason)s); không nhập kết quả.")
                    % {"n": number, "code": row.code, "reason": sample.get_rejection_display()},
                )
            )
        elif sample.lab_id != lab.pk or sample.status != Sample.Status.RECEIVED:
            errors.append(
                (
                    number,
                    _("Dòng %(n)d: mẫu %(code)s chưa được phòng xét nghiệm này nhận, hoặc đã có kết quả.")
                    % {"n": number, "code": row.code},
                )
            )
        elif sample.pool_id:
            errors.append(
                (
                    number,
                    _("Dòng %(n)d: mẫu %(code)s thuộc mẫu gộp; nhập kết quả cho mẫu gộp.")
                    % {"n": number, "code": row.code},
                )
            )
    errors.sort(key=lambda e: e[0])
    return found, errors, unchanged


def check_result_rows(actor: Actor, lab: Lab, rows: list[ResultRow]) -> tuple[dict[str, Sample], list[str]]:
    """Every row's problems, numbered from 1 as the person sees them; nothing written."""
    found, errors, _unchanged = check_numbered_rows(actor, lab, list(enumerate(rows, start=1)))
    return found, [message for _n, message in errors]


def store_results(
    actor: Actor, rows: list[ResultRow], found: dict[str, Sample], via: str
) -> tuple[list[int], list[int]]:
    """Writes checked rows: the results, the samples' status, the cases positives confirm."""
    now = timezone.now()
    moments = [r.resulted_at or now for r in rows]
    if moments:
        recount(RESULT_ROLLUP, min(moments))  # back-dated results: the earliest day (local days keep order)
    user = human(actor)
    ids = [found[r.code].pk for r in rows]
    # Tuples, not instances: COPY on PostgreSQL (core/bulk.py); an import writes 100,000 of them.
    results = bulk_insert(
        LabResult,
        ["sample_id", "outcome", "via", "resulted_at", "ct_value", "verified_by", "entered_by_id"],
        [
            (sample_id, r.outcome, via, at, r.ct_value, r.verified_by.strip(), user.pk if user else None)
            for sample_id, r, at in zip(ids, rows, moments, strict=True)
        ],
    )
    for start in range(0, len(ids), CHUNK):
        Sample.objects.filter(pk__in=ids[start : start + CHUNK]).update(status=Sample.Status.RESULTED)
    cases = confirm_from_results(
        [
            (found[r.code], r.outcome, at)
            for r, at in zip(rows, moments, strict=True)
            if r.outcome == Outcome.POSITIVE
        ]
    )
    return results, [c.pk for c in cases]


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
        found, errors, _unchanged = check_numbered_rows(actor, lab, list(enumerate(rows, start=1)))
        if errors:
            # "Dòng N: ..." on the pages; one entry per row of ``results`` in the API.
            raise ItemErrors(errors, count=len(rows), field="results")
        ids, cases = store_results(actor, rows, found, via)
        audit(
            actor=actor,
            action="labresult.enter",
            target=LabResult,
            target_ids=ids,
            details={"lab_id": lab.pk, "via": via, "cases": cases},
        )
    return ids
