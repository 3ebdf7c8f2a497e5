"""Fixtures for the shared app: units of Thanh Hóa in both lists, organizations, users per role."""

import datetime
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import factory
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from core import services
from core.models import AdministrativeUnit, Organization, Person
from core.roles import Role
from tests.actors import SYSTEM


@pytest.fixture
def units_2021(db: None) -> AdministrativeUnit:
    call_command("load_admin_units", scheme="2021", province="38", verbosity=0)
    return AdministrativeUnit.objects.get(scheme="2021", level="province", code="38")


@pytest.fixture
def units_2025(db: None) -> AdministrativeUnit:
    call_command("load_admin_units", scheme="2025", province="38", verbosity=0)
    return AdministrativeUnit.objects.get(scheme="2025", level="province", code="38")


@pytest.fixture
def province(units_2021: AdministrativeUnit) -> AdministrativeUnit:
    return units_2021


@pytest.fixture
def fresh_rate_limits() -> Iterator[None]:
    """Rate-limit counts of this test only: a key prefix of its own (the counts live in Redis
    or the cache, shared by the tests). Modules use it with ``pytest.mark.usefixtures``."""
    with override_settings(RATE_LIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex}"):
        yield


@pytest.fixture
def org(dong_son: AdministrativeUnit) -> Organization:
    """An organization of Đông Sơn (the owner of a lab, a site, an API token)."""
    return services.organization_create(actor=SYSTEM, name="TTYT Đông Sơn", kind="department", unit=dong_son)


@pytest.fixture
def other_org(sam_son: AdministrativeUnit) -> Organization:
    """An organization of Sầm Sơn, for what ``org`` must not reach."""
    return services.organization_create(actor=SYSTEM, name="TTYT Sầm Sơn", kind="department", unit=sam_son)


def district(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(scheme="2021", level="district", code=code)


def first_ward(district_code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.filter(scheme="2021", parent__code=district_code, level="ward")[0]


@pytest.fixture
def dong_son(province: AdministrativeUnit) -> AdministrativeUnit:
    return district("405")


@pytest.fixture
def sam_son(province: AdministrativeUnit) -> AdministrativeUnit:
    return district("382")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = Organization.Kind.DEPARTMENT


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    """Creates an account with a role and a scope through the services (as officials would)."""
    User = get_user_model()
    counter = iter(range(10_000))

    def make(
        role: str | None = None,
        *,
        province_wide: bool = False,
        units: list[AdministrativeUnit] | None = None,
        organizations: list[Organization] | None = None,
        superuser: bool = False,
    ) -> object:
        user = User(username=f"u{next(counter)}-{role or 'none'}", is_superuser=superuser, is_staff=superuser)
        user.set_password("pw")
        services.user_save(actor=SYSTEM, user=user, created=True)
        if role:
            services.user_roles_set(actor=SYSTEM, user=user, roles=[role])
        if role or units or organizations or province_wide:
            services.user_scope_set(
                actor=SYSTEM,
                user=user,
                province_wide=province_wide,
                units=units or [],
                organizations=organizations or [],
            )
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def epidemiologist(make_user: Callable[..., object], province: AdministrativeUnit) -> object:
    return make_user(Role.EPIDEMIOLOGIST, province_wide=True)


def person_data(**overrides: object) -> services.PersonData:
    values: dict[str, object] = {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": datetime.date(1985, 3, 12),
        "sex": Person.Sex.MALE,
        "id_number": "038085000001",
        "phone": "0912345678",
    }
    values.update(overrides)
    return services.PersonData(**values)  # type: ignore[arg-type]


def give_admin_purpose(client: Any, purpose: str = "kiểm tra hồ sơ ca bệnh") -> None:
    """The purpose the admin asks before the first read of people in a session (core.searches)."""
    from django.urls import reverse

    response = client.post(reverse("admin:core_person_purpose"), {"purpose": purpose, "next": "/admin/"})
    assert response.status_code == 302, response.status_code


def sent_code(phone: str) -> str:
    """The one-time code the phone received last: from the SMS outbox of the test backend once
    the message was delivered (its stored text is then redacted), else from the queued text."""
    import re

    from core.models import OutboundMessage
    from core.notifications import sms_outbox

    texts = [text for to, text in sms_outbox if to == phone]
    if not texts:
        queued = OutboundMessage.objects.filter(purpose="citizen_check").order_by("-id")
        texts = [m.body for m in queued if m.recipient == phone][:1]
    found = re.search(r"\b(\d{6})\b", texts[-1] if texts else "")
    assert found is not None, "no code was sent to this phone"
    return found.group(1)


def sweeps_after(seconds: int, capture: Any) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The recovery sweep just before ``seconds`` have passed (nothing is due yet: asserted),
    then twice after them, each with its enqueued tasks run at commit: (first, second)."""
    later = timezone.now() + datetime.timedelta(seconds=seconds + 1)
    assert services.stalled_work_resume(actor=SYSTEM, now=later - datetime.timedelta(seconds=2)) == {}
    runs = []
    for _ in range(2):
        with capture(execute=True):
            runs.append(services.stalled_work_resume(actor=SYSTEM, now=later))
    return runs[0], runs[1]
