"""Demo data: approved checkpoints for the task force's agencies and public places across
districts, three weeks of check-ins (self-scanned, staff-scanned, paper), some flagged, and one
silent checkpoint. Idempotent and quick on a second run (it runs on every ``make run``)."""

import datetime
import random
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from checkpoints import services
from checkpoints.models import CheckIn, Checkpoint
from core import selectors as core_selectors
from core import services as core_services
from core.actors import DEMO
from core.crypto import lookup_hash
from core.models import AdministrativeUnit, Organization, Person
from declarations import codes
from declarations.models import Declaration

SILENT = "Cổng phụ Văn phòng UBND tỉnh"
# name, organization short name or (new organization name, kind), checkpoint kind, district code,
# opening hours
POINTS: list[tuple[str, Any, str, str, tuple[int, int] | None]] = [
    ("Cổng chính Sở Y tế", "SYT", Checkpoint.Kind.OFFICE, "380", (7, 17)),
    ("Khoa Khám bệnh – Bệnh viện Đa khoa tỉnh", "BVDK", Checkpoint.Kind.HOSPITAL, "380", None),
    ("Trung tâm Kiểm soát bệnh tật tỉnh", "CDC", Checkpoint.Kind.OFFICE, "380", (7, 17)),
    ("Sở Thông tin và Truyền thông", "STTTT", Checkpoint.Kind.OFFICE, "380", (7, 17)),
    (SILENT, "VPUBND", Checkpoint.Kind.OFFICE, "380", (7, 17)),
    (
        "Chợ Vườn Hoa",
        ("Ban quản lý chợ Vườn Hoa", Organization.Kind.BUSINESS),
        Checkpoint.Kind.MARKET,
        "380",
        (5, 19),
    ),
    (
        "Bến xe phía Bắc",
        ("Công ty CP Bến xe Thanh Hóa", Organization.Kind.BUSINESS),
        Checkpoint.Kind.TRANSPORT,
        "380",
        None,
    ),
    (
        "Chợ Sầm Sơn",
        ("Ban quản lý chợ Sầm Sơn", Organization.Kind.BUSINESS),
        Checkpoint.Kind.MARKET,
        "382",
        (5, 19),
    ),
    (
        "Siêu thị Đông Sơn",
        ("Siêu thị Đông Sơn", Organization.Kind.BUSINESS),
        Checkpoint.Kind.SHOP,
        "405",
        (7, 21),
    ),
    (
        "Trường THPT Đông Sơn 1",
        ("Trường THPT Đông Sơn 1", Organization.Kind.SCHOOL),
        Checkpoint.Kind.SCHOOL,
        "405",
        (6, 17),
    ),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Ngô", "Đặng", "Lê Đình", "Trịnh"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Hữu", "Quang"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
]
DAYS = 20  # within the 21-day retention, so the purge keeps them


def _ward(district_code: str, index: int = 0) -> AdministrativeUnit:
    wards = list(
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.WARD, parent__code=district_code, parent__parent__code="38"
        ).order_by("code")[:5]
    )
    return wards[index % len(wards)]


def _organization(ref: Any, district: AdministrativeUnit) -> Organization:
    if isinstance(ref, str):
        return Organization.objects.get(short_name=ref)
    name, kind = ref
    org = Organization.objects.filter(name=name, unit=district).first()
    return org or core_services.organization_create(
        actor=DEMO,
        name=name,
        kind=kind,
        unit=district,
        contact_email=f"demo.{uuid.uuid5(uuid.NAMESPACE_DNS, name).hex[:8]}@example.invalid",
    )


def _points() -> list[Checkpoint]:
    points = []
    operator = get_user_model().objects.filter(username="operator").first()
    for index, (name, org_ref, kind, district_code, hours) in enumerate(POINTS):
        existing = Checkpoint.objects.filter(name=name).first()
        if existing:
            points.append(existing)
            continue
        ward = _ward(district_code, index)
        org = _organization(org_ref, ward.parent)  # type: ignore[arg-type]
        point = services.checkpoint_register(
            actor=DEMO,
            name=name,
            organization=org,
            kind=kind,
            unit=ward,
            address_line="Địa chỉ minh họa",
            opens_at=datetime.time(hours[0]) if hours else None,
            closes_at=datetime.time(hours[1]) if hours else None,
        )
        services.checkpoint_decide(actor=DEMO, checkpoint=point, approve=True, note="Dữ liệu minh họa")
        if operator is not None and org.short_name in {"SYT", "BVDK", "CDC"}:
            services.checkpoint_operators_set(actor=DEMO, checkpoint=point, operators=[operator])
        points.append(point)
    # Registered and approved a month ago, before the demo check-ins: the silent one counts as
    # silent, and reports for past weeks see the points as they stood then.
    month_ago = timezone.now() - datetime.timedelta(days=30)
    Checkpoint.objects.filter(pk__in=[p.pk for p in points]).update(
        registered_at=month_ago - datetime.timedelta(days=2), qr_issued_at=month_ago, decided_at=month_ago
    )
    return points


def _people(rng: random.Random, count: int) -> list[Person]:
    existing = list(Person.objects.filter(address_line="Dữ liệu minh họa (check-in)"))
    if len(existing) >= count:
        return existing
    wards = list(
        AdministrativeUnit.objects.filter(level="ward", parent__parent__code="38").order_by("code")[:60]
    )
    people = []
    for i in range(count - len(existing)):
        female = rng.random() < 0.5
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F if female else MIDDLE_M)} {rng.choice(GIVEN)}"
        year = rng.randint(1945, 2012)
        id_number = f"038{(1 if female else 0) + (2 if year >= 2000 else 0)}{year % 100:02d}{900000 + i:06d}"
        phone = f"09{rng.randint(10_000_000, 99_999_999)}"
        people.append(
            Person(
                full_name=name,
                name_key=core_services.name_key(name),
                birth_year=year,
                sex="female" if female else "male",
                id_number=id_number,
                id_number_hash=lookup_hash("id_number", id_number),
                phone=phone,
                phone_hash=lookup_hash("phone", phone),
                address_unit=rng.choice(wards),
                address_line="Dữ liệu minh họa (check-in)",
                source=Person.Source.VISITOR,
            )
        )
    Person.objects.bulk_create(people, batch_size=500)
    return list(Person.objects.filter(address_line="Dữ liệu minh họa (check-in)"))


def load(*, stdout: Any) -> None:
    if core_selectors.unit_list().filter(level="province", code="38").count() == 0:
        return
    points = _points()
    if CheckIn.objects.filter(checkpoint__in=points).exists():
        stdout.write("Điểm kiểm dịch minh họa: đã có, bỏ qua.")
        return
    rng = random.Random(2021)  # noqa: S311  (demo data, not security)
    people = _people(rng, 400)
    operator = get_user_model().objects.filter(username="operator").first()
    active = [p for p in points if p.name != SILENT]
    weights: dict[str, int] = {
        Checkpoint.Kind.MARKET: 5,
        Checkpoint.Kind.HOSPITAL: 4,
        Checkpoint.Kind.TRANSPORT: 3,
    }
    symptoms = [c.code for c in codes.symptoms()]
    exposures = [c.code for c in codes.exposures()]
    now = timezone.now()
    declarations: list[Declaration] = []
    checkins: list[CheckIn] = []
    for day in range(DAYS, -1, -1):
        date = timezone.localdate(now) - datetime.timedelta(days=day)
        for point in active:
            for _n in range(rng.randint(5, 9) * weights.get(point.kind, 2) // 2):
                person = rng.choice(people)
                opens = point.opens_at.hour if point.opens_at else 6
                closes = point.closes_at.hour if point.closes_at else 21
                at = datetime.datetime.combine(
                    date,
                    datetime.time(rng.randint(opens, closes - 1), rng.randint(0, 59)),
                    tzinfo=timezone.get_current_timezone(),
                )
                if at > now:
                    continue
                roll = rng.random()
                method = (
                    CheckIn.Method.SELF
                    if roll < 0.7
                    else CheckIn.Method.STAFF
                    if roll < 0.9
                    else CheckIn.Method.PAPER
                )
                flag = rng.random()
                sym = rng.sample(symptoms, 2) if flag < 0.03 else []
                exp = [rng.choice(exposures)] if flag < 0.01 else []
                risk = "exposure" if exp else "symptoms" if sym else "none"
                staff = operator if method != CheckIn.Method.SELF and point.operators.exists() else None
                source = {"self": "self", "staff": "staff", "paper": "paper"}[method]
                declaration = Declaration(
                    kind=Declaration.Kind.CHECKIN,
                    source=source,
                    person=person,
                    full_name=person.full_name,
                    birth_year=person.birth_year,
                    sex=person.sex,
                    id_number=person.id_number,
                    phone=person.phone,
                    address_unit=person.address_unit,
                    address_line=person.address_line,
                    symptoms=sym,
                    symptom_list_version=codes.CURRENT_SYMPTOM_VERSION,
                    exposures=exp,
                    exposure_list_version=codes.CURRENT_EXPOSURE_VERSION,
                    notice_version=codes.CURRENT_NOTICE,
                    risk=risk,
                    entered_by=staff,
                    created_at=at,
                )
                out, how = services.estimated_checkout(point, at)
                if rng.random() < 0.35:
                    out, how = (
                        min(out, at + datetime.timedelta(minutes=rng.randint(10, 50))),
                        CheckIn.Checkout.SCANNED,
                    )
                declarations.append(declaration)
                checkins.append(
                    CheckIn(
                        checkpoint=point,
                        person=person,
                        submission=uuid.uuid4(),
                        method=method,
                        checked_in_at=at,
                        checked_out_at=out,
                        checkout_method=how,
                        risk=risk,
                        entered_by=staff,
                        created_at=at,
                        alerted_at=at if risk != "none" else None,
                    )
                )
    with transaction.atomic():
        Declaration.objects.bulk_create(declarations, batch_size=1000)
        for checkin, declaration in zip(checkins, declarations, strict=True):
            checkin.declaration = declaration
        CheckIn.objects.bulk_create(checkins, batch_size=1000)
    stdout.write(
        f"Điểm kiểm dịch minh họa: {len(points)} điểm, {len(checkins)} lượt vào trong {DAYS + 1} ngày "
        f"(1 điểm không có lượt quét: {SILENT})."
    )
