"""A new app's foreign key to Person, even a hidden one (``related_name="+"``), is merged and
keeps its person from the purge without anyone listing it (tests.testapp.Sample)."""

import datetime

import pytest
from django.utils import timezone

from core import services
from core.models import DuplicateCandidate, Person
from core.services.merge import person_references
from tests.actors import SYSTEM
from tests.core.fixtures import person_data
from tests.testapp.models import Sample

pytestmark = pytest.mark.django_db


def test_the_walk_finds_hidden_relations_and_leaves_out_suspicions():
    found = {(model._meta.label, field) for model, field in person_references()}
    assert ("testapp.Sample", "person") in found
    assert ("checkpoints.CheckIn", "person") in found and ("core.Person", "merged_into") in found
    assert not any(model is DuplicateCandidate for model, _field in person_references())


def test_merge_moves_a_hidden_reference(epidemiologist, dong_son):
    keep = services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000301"))
    dup = services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000302"))
    sample = Sample.objects.create(person=dup, label="XN-1")
    services.person_merge(actor=epidemiologist, keep=keep, duplicate=dup, reason="cùng người")
    sample.refresh_from_db()
    assert sample.person_id == keep.pk


def test_purge_keeps_a_visitor_a_hidden_reference_points_at(province):
    old = timezone.now() - datetime.timedelta(days=60)
    referenced, _ = services.person_resolve_for_visitor(data=person_data(id_number="", phone="0900000401"))
    orphan, _ = services.person_resolve_for_visitor(data=person_data(id_number="", phone="0900000402"))
    Sample.objects.create(person=referenced)
    Person.objects.filter(pk__in=[referenced.pk, orphan.pk]).update(created_at=old)
    assert services.persons_purge_orphans(actor=SYSTEM) == 1
    assert (
        Person.objects.filter(pk=referenced.pk).exists() and not Person.objects.filter(pk=orphan.pk).exists()
    )
