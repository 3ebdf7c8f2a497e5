"""Sample collection (issue point 2): the tube gets a specimen code, the person's open testing
tasks (re-sampling after a positive pool or a rejection, an F1's test) are closed by it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import Person
from testing.capabilities import TestingCap
from testing.models import Campaign, Sample, SampleType, SamplingSite, SamplingTask, TestKind
from testing.retention import SAMPLE_ROLLUP
from testing.services._common import Actor, clean_code, human, in_scope, recount, require


def code_taken_message(code: str) -> str:
    return _("Mã mẫu %(code)s đã được dùng cho một mẫu khác: dán nhãn mới.") % {"code": code}


def sample_collect(
    *,
    actor: Actor,
    person: Person,
    site: SamplingSite,
    code: str,
    sample_type: str,
    test_kind: str,
    campaign: Campaign | None = None,
    collected_at: datetime.datetime | None = None,
) -> Sample:
    require(actor, TestingCap.COLLECT)
    in_scope(actor, site.unit)
    code = clean_code(code)
    if sample_type not in SampleType.values:
        raise ValidationError(_("Loại mẫu không hợp lệ."))
    if test_kind not in TestKind.values:
        raise ValidationError(_("Loại xét nghiệm không hợp lệ."))
    if campaign is not None:
        in_scope(actor, campaign.unit)
    if Sample.objects.filter(code=code).exists():
        raise ValidationError(code_taken_message(code))
    try:
        with transaction.atomic():
            sample = Sample.objects.create(
                code=code,
                person=person,
                site=site,
                campaign=campaign,
                collector=human(actor),
                collected_at=collected_at or timezone.now(),
                sample_type=sample_type,
                test_kind=test_kind,
            )
            tasks = list(
                SamplingTask.objects.filter(person=person, done_by__isnull=True).values_list("pk", flat=True)
            )
            SamplingTask.objects.filter(pk__in=tasks).update(done_by=sample)
            recount(SAMPLE_ROLLUP, sample.collected_at)  # a back-dated sample
            audit(
                actor=actor,
                action="sample.collect",
                target=sample,
                details={"person_id": person.pk, "site_id": site.pk, "tasks_closed": tasks},
            )
    except IntegrityError as exc:  # the same code raced in from another phone
        raise ValidationError(code_taken_message(code)) from exc
    return sample
