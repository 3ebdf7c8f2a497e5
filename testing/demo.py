"""Demo data for testing (``manage.py demo_data``): a campaign in a ward of Thanh Hóa with pooled
and single samples, a rejected specimen, a positive pool re-tested, and a confirmed case who
visited demo checkpoints, so the loop case → tracing → F1 can be walked from the demo.

Everything goes through the services, as the demo lab user (or the demo actor)."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from checkpoints import selectors as checkpoint_selectors
from core import selectors as core_selectors
from core.actors import DEMO
from core.models import Person
from testing import services
from testing.models import Campaign, Sample

CAMPAIGN = "Xét nghiệm sàng lọc toàn dân (demo)"


def _case_person(people: list[Person]) -> Person:
    """A demo visitor the tracing finds contacts for (the loop of the demo needs one)."""
    epi = get_user_model().objects.filter(username="epidemiologist").first()
    now = timezone.now()
    if epi is not None:
        for person in people:
            result = checkpoint_selectors.trace_case(
                epi, person_id=person.pk, start=now - datetime.timedelta(days=2), end=now
            )
            if result.contacts:
                return person
    return people[0]


def load(*, stdout: Any) -> None:
    if core_selectors.unit_list().filter(level="province", code="38").count() == 0:
        return
    if Campaign.objects.filter(name=CAMPAIGN).exists():
        stdout.write("Xét nghiệm minh họa: đã có, bỏ qua.")
        return
    people = list(Person.objects.filter(address_line="Dữ liệu minh họa (check-in)").order_by("pk")[:60])
    if len(people) < 12:
        return
    district = core_selectors.unit_list().get(level="district", code="405")
    ward = core_selectors.unit_children(parent_id=district.pk).order_by("code").first() or district
    actor: Any = get_user_model().objects.filter(username="lab").first() or DEMO
    site = services.site_create(actor=DEMO, name="Điểm lấy mẫu Nhà văn hóa xã (demo)", unit=ward)
    lab = services.lab_create(actor=DEMO, name="Khoa Xét nghiệm TTYT Đông Sơn (demo)", unit=district)
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=DEMO,
        name=CAMPAIGN,
        unit=ward,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=5),
        target_population=60,
    )
    f0 = _case_person(people)
    chosen = [f0, *[p for p in people if p.pk != f0.pk][:11]]
    samples: list[Sample] = []
    for n, person in enumerate(chosen, start=1):
        samples.append(
            services.sample_collect(
                actor=actor,
                person=person,
                site=site,
                code=f"DS-{today:%y%m%d}-{n:03d}",
                sample_type="np",
                test_kind="antigen" if n == 12 else "rt_pcr",
                campaign=campaign,
            )
        )
    codes = [s.code for s in samples]
    services.samples_receive(actor=actor, lab=lab, codes=codes)
    services.sample_reject(actor=actor, sample=Sample.objects.get(code=codes[10]), reason="leaked")
    positive = services.pool_create(actor=actor, lab=lab, code=f"POOL-{today:%y%m%d}-1", codes=codes[:5])
    negative = services.pool_create(actor=actor, lab=lab, code=f"POOL-{today:%y%m%d}-2", codes=codes[5:10])
    services.pool_result_enter(
        actor=actor, pool=negative, outcome="negative", verified_by="BS. Lê Thị Hoa (demo)"
    )
    services.pool_result_enter(
        actor=actor, pool=positive, outcome="positive", verified_by="BS. Lê Thị Hoa (demo)"
    )
    services.results_enter(
        actor=actor,
        lab=lab,
        rows=[services.ResultRow(code=codes[11], outcome="negative", verified_by="BS. Lê Thị Hoa (demo)")],
    )
    # The positive pool's members are re-sampled alone; the case's own sample is positive.
    again = [
        services.sample_collect(
            actor=actor,
            person=person,
            site=site,
            code=f"DS-{today:%y%m%d}-R{n:02d}",
            sample_type="np",
            test_kind="rt_pcr",
            campaign=campaign,
        )
        for n, person in enumerate(chosen[:5], start=1)
    ]
    services.samples_receive(actor=actor, lab=lab, codes=[s.code for s in again])
    services.results_enter(
        actor=actor,
        lab=lab,
        rows=[
            services.ResultRow(
                code=s.code,
                outcome="positive" if s.person_id == f0.pk else "negative",
                verified_by="BS. Lê Thị Hoa (demo)",
            )
            for s in again
        ],
    )
    stdout.write(
        f"Xét nghiệm minh họa: {len(samples) + len(again)} mẫu, 2 mẫu gộp, 1 ca F0 "
        f"(tra cứu: {again[0].code})."
    )
