"""Rows of the testing app's retention categories at a given instant (the boundary cases of
tests/checkpoints/test_retention.py)."""

import itertools

from django.utils import timezone

from testing import intake, services
from testing.models import Case, Contact, LabResult, Sample
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, person_data

_COUNTER = itertools.count(1)


def _sample(when):
    n = f"{next(_COUNTER):06d}"
    site = services.site_create(actor=SYSTEM, name="Trạm", unit=first_ward("405"))
    sample, _ = intake.collect(
        actor=SYSTEM,
        site=site,
        person=person_data(full_name="Người " + n, id_number="038099" + n, phone="0912" + n),
        code="RT-" + n,
        sample_type="np",
        test_kind="rt_pcr",
    )
    Sample.objects.filter(pk=sample.pk).update(collected_at=when)
    return Sample.objects.get(pk=sample.pk)


def _sample_row(checkpoint, when):
    return Sample, _sample(when).pk


def _result_row(checkpoint, when):
    sample = _sample(timezone.now())
    result = LabResult.objects.create(sample=sample, outcome="negative", resulted_at=when, verified_by="x")
    return LabResult, result.pk


def _case(when):
    sample = _sample(timezone.now())
    return Case.objects.create(
        person_id=sample.person_id,
        unit_id=sample.site.unit_id,
        confirmed_on=timezone.localdate(when),
        found_in="community",
        created_at=when,
    )


def _case_row(checkpoint, when):
    return Case, _case(when).pk


def _contact_row(checkpoint, when):
    case = _case(timezone.now())
    other = _sample(when)
    contact = Contact.objects.create(case=case, person_id=other.person_id, purpose="x", marked_at=when)
    Sample.objects.filter(pk=other.pk).update(collected_at=timezone.now())
    return Contact, contact.pk


ROW_AT = {
    "testing.sample": _sample_row,
    "testing.labresult": _result_row,
    "testing.case": _case_row,
    "testing.contact": _contact_row,
}
