"""The demo holds the whole loop: pools (one re-tested), a rejection, a case with contacts."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from checkpoints import selectors as checkpoint_selectors
from testing import services
from testing.models import Case, LabResult, Sample, SamplePool


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_walks_the_loop(monkeypatch):
    from core.management.commands import load_admin_units

    original = load_admin_units.read_rows
    monkeypatch.setattr(load_admin_units, "read_rows", lambda scheme, province=None: original(scheme, "38"))
    call_command("demo_data", quiet_logins=True, verbosity=0)
    assert set(SamplePool.objects.values_list("outcome", flat=True)) == {"positive", "negative"}
    assert Sample.objects.filter(status="rejected", rejection="leaked").count() == 1
    assert LabResult.objects.filter(via="pool").count() == 5
    case = Case.objects.get()
    epi = get_user_model().objects.get(username="epidemiologist")
    start, end = services.trace_window(case)
    assert checkpoint_selectors.trace_case(epi, person_id=case.person_id, start=start, end=end).contacts
    count = Sample.objects.count()
    call_command("demo_data", quiet_logins=True, verbosity=0)
    assert Sample.objects.count() == count
    assert case.confirmed_on == timezone.localdate()
