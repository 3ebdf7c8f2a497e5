"""The outbreak loop: a positive RT-PCR confirms a case; the epidemiologist traces it from the
case page (purpose logged), marks F1s, notifies them through the gateway; their tests close it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditLog, OutboundMessage
from core.roles import Role
from testing import services
from testing.models import Case, Contact, Sample, SamplingTask
from tests.actors import SYSTEM
from tests.checkpoints.conftest import make_checkpoint, visit
from tests.testing.conftest import collect, person_n, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def loop(site, lab, campaign, agency, ward):
    """A case who was at a checkpoint with two people yesterday; someone else came later."""
    point = make_checkpoint(agency)
    yesterday = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=1)
    visit(point, at=yesterday, **person_n(1))
    visit(point, at=yesterday + datetime.timedelta(minutes=5), **person_n(2))
    visit(
        point,
        at=yesterday + datetime.timedelta(minutes=10),
        id_number="",
        **{k: v for k, v in person_n(3).items() if k != "id_number"},
    )
    visit(point, at=yesterday + datetime.timedelta(hours=6), **person_n(4))
    received(site, lab, ["F0-0001"])
    services.results_enter(
        actor=SYSTEM,
        lab=lab,
        rows=[services.ResultRow(code="F0-0001", outcome="positive", verified_by="BS. Lê")],
    )
    return Case.objects.get()


def test_the_case_page_traces_marks_and_notifies_f1s(client, make_user, loop, campaign, dong_son):
    epi = make_user(Role.EPIDEMIOLOGIST, units=[dong_son])
    client.force_login(epi)
    url = reverse("testing:case", kwargs={"pk": loop.pk})
    page = client.post(url, {"action": "trace", "purpose": "Truy vết F0 #1"})
    assert page.status_code == 200
    traced = {t["person_id"] for t in page.context["traced"]}
    assert len(traced) == 2  # the two co-present visitors, not the one hours later
    read = AuditLog.objects.filter(action="checkin.read").latest("id")
    assert read.reason == "Truy vết F0 #1" and read.details["case_id"] == loop.pk
    done = client.post(
        url,
        {"action": "mark", "purpose": "Truy vết F0 #1", "person": sorted(traced), "campaign": campaign.pk},
    )
    assert done.status_code == 302
    contacts = Contact.objects.filter(case=loop)
    assert {c.person_id for c in contacts} == traced and all(c.notified_at for c in contacts)
    messages = OutboundMessage.objects.filter(purpose="testing.f1_notice")
    assert messages.count() == 2 and campaign.name in messages[0].body
    tasks = SamplingTask.objects.filter(reason="f1", campaign=campaign, done_by__isnull=True)
    assert tasks.count() == 2
    # The F1s are tested in the campaign: their samples close the tasks, their results follow.
    for n in (2, 3):
        collect(loop.source.site, f"F1-000{n}", campaign=campaign, **person_n(n))
    assert not tasks.exists()


def test_only_people_the_tracing_found_can_be_marked(make_user, loop, dong_son):
    epi = make_user(Role.EPIDEMIOLOGIST, units=[dong_son])
    later = Sample.objects.filter(code="F0-0001").get().person_id + 1000
    with pytest.raises(ValidationError, match="kết quả truy vết"):
        services.contacts_mark(actor=epi, case=loop, person_ids=[later], purpose="x")


def test_a_tracer_outside_the_cases_units_cannot_open_it(client, make_user, loop, sam_son):
    epi = make_user(Role.EPIDEMIOLOGIST, units=[sam_son])
    client.force_login(epi)
    assert client.get(reverse("testing:case", kwargs={"pk": loop.pk})).status_code == 404
