"""Demo data through the services: sites in three districts, lots and stock, a session with
bookings, doses across districts (given over the last weeks), one serious adverse event and one
pending correction. Idempotent (skipped once the demo sites exist)."""

import datetime
from typing import Any

from django.utils import timezone

from core import selectors as core_selectors
from core import services as core_services
from core.actors import DEMO
from core.models import AdministrativeUnit, Person
from vaccination import services
from vaccination.models import Site, Vaccine

SITE_NAME = "Trạm Y tế %s (demo)"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi"]
GIVEN = ["Văn Minh", "Thị Lan", "Văn Hùng", "Thị Hoa", "Đức Anh", "Thị Mai", "Quang Huy", "Thị Thu"]


def _wards() -> list[AdministrativeUnit]:
    province = core_selectors.province_unit()
    districts = AdministrativeUnit.objects.filter(parent=province).order_by("code")[:3]
    return [AdministrativeUnit.objects.filter(parent=d).order_by("code").first() for d in districts]  # type: ignore[misc]


def _person(index: int, ward: AdministrativeUnit) -> Person:
    data = core_services.PersonData(
        full_name=f"{FAMILY[index % 8]} {GIVEN[(index // 8) % 8]}",
        date_of_birth=datetime.date(1940 + (index * 7) % 60, 1 + index % 12, 1 + index % 27),
        sex=Person.Sex.FEMALE if "Thị" in GIVEN[(index // 8) % 8] else Person.Sex.MALE,
        phone=f"0913{index:06d}",
        address_unit=ward,
    )
    return core_services.person_find_match(data) or core_services.person_create(actor=DEMO, data=data)


def load(*, stdout: Any) -> None:
    if Site.objects.filter(name__endswith="(demo)").exists():
        stdout.write("Tiêm chủng minh họa: đã có, bỏ qua.")
        return
    wards = [w for w in _wards() if w is not None]
    today = timezone.localdate()
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    sites, lots = [], []
    for n, ward in enumerate(wards):
        site = services.site_create(actor=DEMO, name=SITE_NAME % ward.name, unit=ward)
        lot = services.lot_create(
            actor=DEMO,
            vaccine=vaccine,
            number=f"DEMO-AZ{n + 1:02d}",
            expiry_date=today + datetime.timedelta(days=120),
        )
        services.stock_receive(actor=DEMO, site=site, lot=lot, quantity=200, note="Phân bổ đợt 1 (demo)")
        sites.append(site)
        lots.append(lot)
    doses = []
    for index in range(36):
        site, lot = sites[index % len(sites)], lots[index % len(lots)]
        person = _person(index, site.unit)
        for number, days_ago in ((1, 70), (2, 10)) if index % 3 else ((1, 20),):
            at = timezone.now() - datetime.timedelta(days=days_ago)
            screening = services.screening_record(actor=DEMO, person=person, site=site, positive=[], at=at)
            doses.append(
                services.dose_record(
                    actor=DEMO,
                    person=person,
                    site=site,
                    lot=lot,
                    dose_number=number,
                    screening=screening,
                    administered_at=at,
                    vaccinator_name="Lê Thị Hoa (demo)",
                )
            )
    session = services.session_create(
        actor=DEMO, site=sites[0], date=today + datetime.timedelta(days=1), vaccine=vaccine, capacity=40
    )
    for index in range(36, 48):
        services.appointment_book(actor=DEMO, session=session, person=_person(index, sites[0].unit))
    serious = doses[-1]
    services.aefi_report(
        actor=DEMO,
        dose=serious,
        onset_at=serious.administered_at + datetime.timedelta(hours=3),
        symptoms="Khó thở, tụt huyết áp (demo)",
        seriousness="hospitalisation",
        outcome="recovering",
    )
    wrong = doses[0]
    services.correction_request(
        actor=DEMO,
        person=wrong.person,
        site=wrong.site,
        kind="wrong_date",
        dose=wrong,
        administered_on=timezone.localtime(wrong.administered_at).date() - datetime.timedelta(days=1),
        note="Phiếu tiêm ghi ngày trước đó (demo)",
    )
    stdout.write(
        f"Tiêm chủng minh họa: {len(sites)} điểm tiêm, {len(doses)} mũi tiêm, 1 buổi tiêm với 12 lịch hẹn, "
        "1 phản ứng nghiêm trọng, 1 đề nghị đính chính chờ xác minh."
    )
