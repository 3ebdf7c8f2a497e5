"""Sites, labs, campaigns and samples built through the services, as officials would."""

import datetime

import pytest
from django.utils import timezone

from core.roles import Role
from testing import intake, services
from testing.models import Sample
from tests.actors import SYSTEM
from tests.checkpoints.conftest import agency, checkpoint, operator  # noqa: F401  (fixtures)
from tests.core.fixtures import first_ward, person_data


@pytest.fixture
def ward(dong_son):
    return first_ward("405")


@pytest.fixture
def site(ward):
    return services.site_create(actor=SYSTEM, name="Trạm Y tế xã", unit=ward)


@pytest.fixture
def lab(dong_son):
    return services.lab_create(actor=SYSTEM, name="Khoa xét nghiệm TTYT Đông Sơn", unit=dong_son)


@pytest.fixture
def campaign(ward):
    today = timezone.localdate()
    return services.campaign_create(
        actor=SYSTEM,
        name="Xét nghiệm toàn dân xã",
        unit=ward,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=3),
        target_population=4,
    )


@pytest.fixture
def lab_user(make_user, dong_son):
    return make_user(Role.LAB_STAFF, units=[dong_son])


def collect(site, code, *, test_kind="rt_pcr", campaign=None, actor=SYSTEM, **person):
    sample, _created = intake.collect(
        actor=actor,
        site=site,
        person=person_data(**person),
        code=code,
        sample_type="np",
        test_kind=test_kind,
        campaign=campaign,
    )
    return sample


def person_n(n: int) -> dict:
    return {"full_name": f"Người Thứ {n}", "id_number": f"0380850{n:05d}", "phone": f"09120{n:05d}"}


def received(site, lab, codes, first=1, **kw):
    samples = [collect(site, code, **person_n(i), **kw) for i, code in enumerate(codes, start=first)]
    services.samples_receive(actor=SYSTEM, lab=lab, codes=codes)
    return [Sample.objects.get(pk=s.pk) for s in samples]
