"""Vaccination fixtures, built through the services as officials and staff would."""

import datetime

import pytest
from django.utils import timezone

from core import services as core_services
from core.roles import Role
from tests.actors import SYSTEM
from tests.certificates.conftest import province_trusted  # noqa: F401  (the signer in the trust list)
from tests.core.fixtures import first_ward, person_data
from vaccination import services
from vaccination.models import Vaccine


@pytest.fixture(autouse=True)
def _catalogue(request):
    """The catalogue a migration loads; a transactional test elsewhere may have flushed it."""
    uses_db = [name for name in ("transactional_db", "db") if name in request.fixturenames]
    if request.node.get_closest_marker("django_db") is None and not uses_db:
        return
    if uses_db:
        request.getfixturevalue(uses_db[0])  # the database first, then the catalogue
    import importlib

    from django.apps import apps

    importlib.import_module("vaccination.migrations.0002_catalogue").load(apps, None)


def vaccine(name: str = "Vaxzevria (AstraZeneca)") -> Vaccine:
    return Vaccine.objects.get(name=name)


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def site(db, dong_son):
    return services.site_create(actor=SYSTEM, name="Trạm Y tế xã Đông Tiến", unit=first_ward("405"))


@pytest.fixture
def other_site(db, sam_son):
    return services.site_create(actor=SYSTEM, name="Trạm Y tế phường Bắc Sơn", unit=first_ward("382"))


@pytest.fixture
def staff(make_user, dong_son):
    user = make_user(Role.VACCINATION_STAFF, units=[dong_son])
    user.first_name, user.last_name = "Hoa", "Lê Thị"
    user.save()
    return user


def make_lot(*, number="AZ001", name="Vaxzevria (AstraZeneca)", expires_in=180, site=None, quantity=0):
    lot = services.lot_create(
        actor=SYSTEM,
        vaccine=vaccine(name),
        number=number,
        expiry_date=timezone.localdate() + datetime.timedelta(days=expires_in),
    )
    if site is not None and quantity:
        services.stock_receive(actor=SYSTEM, site=site, lot=lot, quantity=quantity)
    return lot


@pytest.fixture
def lot(site):
    return make_lot(site=site, quantity=100)


@pytest.fixture
def person(db, province):
    return core_services.person_create(actor=SYSTEM, data=person_data(address_unit=first_ward("405")))


def screen(person, site, actor=SYSTEM, positive=()):
    return services.screening_record(actor=actor, person=person, site=site, positive=positive)


def give(person, site, lot, dose_number=1, at=None, actor=SYSTEM, **kw):
    screening = screen(person, site, actor)
    if at is not None:
        type(screening).objects.filter(pk=screening.pk).update(at=at)
        screening.at = at
    return services.dose_record(
        actor=actor,
        person=person,
        site=site,
        lot=lot,
        dose_number=dose_number,
        screening=screening,
        administered_at=at,
        **kw,
    )
