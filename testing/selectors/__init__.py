"""Every read of the testing app, scoped to the user (``<entity>_visible_to(user)``).

Sites, labs, campaigns and cases are scoped by their unit; samples by their site's or their
lab's unit (a provincial lab receives samples from every district it serves).
"""

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core import selectors as core_selectors
from core.actors import ApiClient
from core.crypto import lookup_hash
from core.roles import user_can
from testing.capabilities import TestingCap
from testing.models import (
    Campaign,
    Case,
    Contact,
    Lab,
    LabResult,
    Outcome,
    Sample,
    SamplePool,
    SamplingSite,
    SamplingTask,
)

User = Any
ANY_TESTING = (TestingCap.VIEW, TestingCap.MANAGE, TestingCap.COLLECT, TestingCap.LAB, TestingCap.CASES)


def _can_any(user: User) -> bool:
    return any(user_can(user, cap) for cap in ANY_TESTING)


def sites_visible_to(user: User) -> QuerySet[SamplingSite]:
    if not _can_any(user):
        return SamplingSite.objects.none()
    return core_selectors.filter_by_unit_scope(SamplingSite.objects.select_related("unit"), user)


def labs_visible_to(user: User) -> QuerySet[Lab]:
    if not _can_any(user):
        return Lab.objects.none()
    if isinstance(user, ApiClient):  # a lab system: its own organization's labs, nothing else
        return Lab.objects.select_related("unit").filter(organization_id=user.organization_id, is_active=True)
    return core_selectors.filter_by_unit_scope(Lab.objects.select_related("unit"), user)


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    if not _can_any(user):
        return Campaign.objects.none()
    return core_selectors.filter_by_unit_scope(Campaign.objects.select_related("unit"), user)


def samples_visible_to(user: User) -> QuerySet[Sample]:
    if not _can_any(user):
        return Sample.objects.none()
    qs = Sample.objects.select_related("site", "lab", "pool", "person", "result")
    if isinstance(user, ApiClient):
        return qs.filter(_lab_system_samples(user))
    units = core_selectors.unit_ids_in_scope(user)
    if units is None:
        return qs
    return qs.filter(Q(site__unit_id__in=units) | Q(lab__unit_id__in=units))


def _lab_system_samples(client: ApiClient) -> Q:
    """A lab system's samples: those its organization's labs received, and those collected in
    the units its labs serve (the lab's unit and below) that no lab has received yet — the
    tubes on their way to it (the portal records no destination lab before receipt)."""
    labs = Lab.objects.filter(organization_id=client.organization_id, is_active=True)
    served = list(labs.values_list("unit_id", flat=True))
    area = Q(site__unit_id__in=served) | Q(site__unit__parent_id__in=served)
    area |= Q(site__unit__parent__parent_id__in=served)
    return Q(lab__in=labs) | (Q(lab__isnull=True, status=Sample.Status.COLLECTED) & area)


def results_visible_to(user: User) -> QuerySet[LabResult]:
    """Results of the samples the user sees (the admin's list behind the file import)."""
    return LabResult.objects.filter(sample__in=samples_visible_to(user).values("pk")).select_related(
        "sample", "sample__lab"
    )


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user_can(user, TestingCap.CASES) and not user_can(user, TestingCap.VIEW):
        return Case.objects.none()
    return core_selectors.filter_by_unit_scope(Case.objects.select_related("person", "unit"), user)


def _access(qs: QuerySet, pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def access_site(user: User, pk: int) -> SamplingSite:
    return _access(sites_visible_to(user), pk)


def access_lab(user: User, pk: int) -> Lab:
    return _access(labs_visible_to(user), pk)


def access_campaign(user: User, pk: int) -> Campaign:
    return _access(campaigns_visible_to(user), pk)


def access_case(user: User, pk: int) -> Case:
    return _access(cases_visible_to(user), pk)


def access_pool(user: User, pk: int) -> SamplePool:
    return _access(SamplePool.objects.filter(lab__in=labs_visible_to(user)), pk)


def lab_samples_awaiting(user: User, lab: Lab, *, sent: bool = False) -> QuerySet[Sample]:
    """The lab system's work: samples received at ``lab`` waiting for a result (pooled ones wait
    for their pool's), oldest first; ``sent``: collected, not yet received by any lab, in the
    units the lab serves."""
    qs = samples_visible_to(user)
    if sent:
        area = Q(site__unit_id=lab.unit_id) | Q(site__unit__parent_id=lab.unit_id)
        area |= Q(site__unit__parent__parent_id=lab.unit_id)
        return qs.filter(area, lab__isnull=True, status=Sample.Status.COLLECTED).order_by(
            "collected_at", "pk"
        )
    return qs.filter(lab=lab, status=Sample.Status.RECEIVED).order_by("received_at", "pk")


def pools_awaiting(user: User, lab: Lab) -> QuerySet[SamplePool]:
    return (
        SamplePool.objects.filter(lab=lab, lab__in=labs_visible_to(user), outcome="")
        .annotate(size=Count("members"))
        .order_by("created_at", "pk")
    )


def samples_by_codes(user: User, codes: list[str]) -> dict[str, Sample]:
    """The visible samples among ``codes`` (a code outside the scope reads as unknown)."""
    return {s.code: s for s in samples_visible_to(user).filter(code__in=codes)}


def sample_exists(code: str) -> bool:
    return Sample.objects.filter(code=code).exists()


def open_tasks_for(person_id: int) -> QuerySet[SamplingTask]:
    return SamplingTask.objects.filter(person_id=person_id, done_by__isnull=True)


def tasks_visible_to(user: User) -> QuerySet[SamplingTask]:
    if not _can_any(user):
        return SamplingTask.objects.none()
    return core_selectors.filter_by_unit_scope(
        SamplingTask.objects.select_related("person", "campaign"), user
    ).filter(done_by__isnull=True)


# --- Officials' pages ------------------------------------------------------------------------


def campaign_progress(user: User) -> list[dict[str, Any]]:
    """Each visible campaign with the people sampled in it (distinct) against its target."""
    rows = []
    for campaign in campaigns_visible_to(user):
        sampled = Sample.objects.filter(campaign=campaign).values("person_id").distinct().count()
        target = campaign.target_population or 1
        rows.append(
            {
                "campaign": campaign,
                "sampled": sampled,
                "percent": round(100 * sampled / target, 1),
            }
        )
    return rows


def overdue_before(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(hours=settings.TESTING_TURNAROUND_HOURS)


def lab_work_list(user: User, lab: Lab) -> dict[str, Any]:
    """Received (waiting for a result), overdue among them, rejected, pending re-tests, pools."""
    samples = samples_visible_to(user).filter(lab=lab)
    waiting = samples.filter(status=Sample.Status.RECEIVED)
    return {
        "received": list(waiting.filter(received_at__gte=overdue_before())[:200]),
        "overdue": list(waiting.filter(received_at__lt=overdue_before())[:200]),
        "rejected": list(samples.filter(status=Sample.Status.REJECTED)[:200]),
        "pending": list(samples.filter(status=Sample.Status.PENDING)[:200]),
        "pools": list(SamplePool.objects.filter(lab=lab).annotate(size=Count("members"))[:50]),
    }


def positivity_by_unit_and_day(user: User, days: int = 14) -> list[dict[str, Any]]:
    """Results per reporting unit (the site's unit, raised to the reporting level) and local day:
    tested, positive, positivity. Pools count through their members' results."""
    since = timezone.now() - datetime.timedelta(days=days)
    results = LabResult.objects.filter(
        resulted_at__gte=since, sample__in=samples_visible_to(user)
    ).values_list("resulted_at", "outcome", "sample__site__unit_id")
    mapping = core_selectors.reporting_unit_map()
    names = dict(core_selectors.reporting_units().values_list("id", "name"))
    table: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0])
    for at, outcome, unit_id in results:
        key = (mapping.get(unit_id, unit_id), timezone.localdate(at))
        table[key][0] += 1
        table[key][1] += outcome == Outcome.POSITIVE
    return [
        {
            "unit": names.get(unit, str(unit)),
            "day": day,
            "tested": tested,
            "positive": positive,
            "positivity": round(100 * positive / tested, 1) if tested else 0.0,
        }
        for (unit, day), (tested, positive) in sorted(
            table.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True
        )
    ]


def sites_open_to_public() -> QuerySet[SamplingSite]:
    """Public: active sampling sites where anyone may come (community sites; quarantine, border
    and hospital sites are not for walk-ins). Places, not people."""
    from testing.models import Setting

    return SamplingSite.objects.filter(is_active=True, setting=Setting.COMMUNITY).select_related("unit")


def contacts_of(case: Case) -> QuerySet[Contact]:
    return Contact.objects.filter(case=case).select_related("person").order_by("marked_at")


# --- The citizen's look-up -------------------------------------------------------------------


# The citizen's look-up page: the sample, its person's name and what is matched, the result.
CITIZEN_SAMPLE_FIELDS = (
    "code",
    "status",
    "test_kind",
    "collected_at",
    "person__full_name",
    "person__phone_hash",
    "person__date_of_birth",
    "result__outcome",
    "result__via",
    "result__resulted_at",
)


def sample_for_citizen(
    *, code: str, phone: str = "", birth_date: datetime.date | None = None
) -> Sample | None:
    """The sample of ``code`` when the phone or the birth date matches the person on record;
    None otherwise, whichever part was wrong (the caller answers both the same way)."""
    try:  # the code is unique: get() (first() would sort)
        sample = (
            Sample.objects.select_related("person", "result")
            .only(*CITIZEN_SAMPLE_FIELDS)  # what the page shows: no identifier loaded or decrypted
            .get(code=code.strip().upper())
        )
    except Sample.DoesNotExist:
        return None
    person = sample.person
    matched = (bool(phone.strip()) and person.phone_hash == lookup_hash("phone", phone)) or (
        birth_date is not None and person.date_of_birth == birth_date
    )
    return sample if matched else None


def sample_by_code(code: str) -> Sample | None:
    return Sample.objects.select_related("person").filter(code=code.strip().upper()).first()


def result_of(sample: Sample) -> LabResult | None:
    """The sample's result, or None (no query when it came with ``select_related("result")``)."""
    try:
        return sample.result
    except LabResult.DoesNotExist:
        return None


def access_pool_by_code(user: User, lab: Lab, code: str) -> SamplePool:
    pool = SamplePool.objects.filter(
        lab=lab, lab__in=labs_visible_to(user), code=code.strip().upper()
    ).first()
    if pool is None:
        raise Http404
    return pool


# The daily figures (roll-ups and their readers) live in ``figures``.
from testing.selectors.figures import (  # noqa: E402
    RESULT_STAT_FIELDS,
    SAMPLE_STAT_FIELDS,
    case_counts,
    live_result_stats,
    live_sample_stats,
    report_figures,
    result_stats,
    sample_stats,
    turnaround,
)

__all__ = [
    "RESULT_STAT_FIELDS",
    "SAMPLE_STAT_FIELDS",
    "case_counts",
    "live_result_stats",
    "live_sample_stats",
    "report_figures",
    "result_stats",
    "sample_stats",
    "turnaround",
]
