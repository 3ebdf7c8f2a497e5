"""Permission-matrix rows of the testing app."""

import datetime

from django.utils import timezone

from core.roles import Role
from testing import intake, services
from testing.models import Case, SamplePool
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, person_data
from tests.test_permission_matrix import ALL, SUPER, Url

VIEWERS = {
    SUPER,
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.CHAIRMAN,
    Role.SECRETARIAT,
    Role.DISTRICT_OFFICIAL,
    Role.EPIDEMIOLOGIST,
    Role.LAB_STAFF,
}
MANAGERS = {SUPER, Role.DISTRICT_OFFICIAL, Role.EPIDEMIOLOGIST}
LAB = {SUPER, Role.LAB_STAFF}
CASES = {SUPER, Role.EPIDEMIOLOGIST}


def _lab(o):
    return {"pk": o["testing.lab"].pk}


def _pool(o):
    return {"pk": o["testing.lab"].pk, "code": "PM-POOL-1"}


def lab_api(**kw: object) -> Url:
    """The lab system API: tokens first, so an anonymous request is 401 (Bearer challenge)."""
    return Url(allowed=LAB, anon_denied=401, **kw)  # type: ignore[arg-type]


ADMIN = {"testing.labresult": {"view": LAB, "add": set(), "change": set()}}


def _site(o):
    return {"pk": o["testing.samplingsite"].pk}


URLS = {
    "testing:lookup": Url(allowed=ALL),
    # Only after a look-up in the same browser (the matrix's clients made none): 404 for everyone.
    "testing:certificate-check": Url(allowed=ALL, ok=404, kwargs={"code": "PM-0001"}),
    "testing:certificate": Url(allowed=ALL, ok=404, kwargs={"code": "PM-0001"}),
    "testing:home": Url(allowed=VIEWERS),
    "testing:setup": Url(allowed=MANAGERS),
    "testing:collect": Url(allowed=LAB, kwargs=_site),
    "testing:label-sheet": Url(allowed=LAB, kwargs=_site),
    "testing:label": Url(allowed=LAB, kwargs=lambda o: {"pk": o["testing.sample"].pk}),
    "testing:lab": Url(allowed=LAB, kwargs=lambda o: {"pk": o["testing.lab"].pk}),
    "testing:statistics": Url(allowed=VIEWERS),
    "testing:cases": Url(allowed=VIEWERS),
    "testing:case": Url(allowed=CASES, kwargs=lambda o: {"pk": o["testing.case"].pk}),
    "testing-api:lab-list": lab_api(),
    "testing-api:lab-samples": lab_api(kwargs=_lab),
    "testing-api:lab-pools": lab_api(kwargs=_lab),
    # Writes with an empty body: refused as invalid for lab staff; nothing stored for anyone.
    "testing-api:lab-receive": lab_api(method="post", ok=400, kwargs=_lab),
    "testing-api:lab-result": lab_api(method="post", ok=400, kwargs=_lab),
    "testing-api:lab-result-batch": lab_api(method="post", ok=400, kwargs=_lab),
    "testing-api:pool-result": lab_api(method="post", ok=400, kwargs=_pool),
    "testing-api:pool-correction": lab_api(method="post", ok=400, kwargs=_pool),
}


def objects(world):
    ward = first_ward("405")
    site = services.site_create(actor=SYSTEM, name="Trạm Y tế", unit=ward)
    lab = services.lab_create(actor=SYSTEM, name="Lab Đông Sơn", unit=world["dong_son"])
    today = timezone.localdate()
    services.campaign_create(
        actor=SYSTEM,
        name="Đợt 1",
        unit=ward,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
        target_population=10,
    )
    sample, _ = intake.collect(
        actor=SYSTEM,
        site=site,
        person=person_data(id_number="038099000111", phone="0912999111"),
        code="PM-0001",
        sample_type="np",
        test_kind="rt_pcr",
    )
    case = Case.objects.create(
        person_id=sample.person_id, unit=ward, confirmed_on=today, source=sample, found_in="community"
    )
    SamplePool.objects.create(code="PM-POOL-1", lab=lab)
    other, _ = intake.collect(
        actor=SYSTEM,
        site=site,
        person=person_data(id_number="038099000112", phone="0912999112"),
        code="PM-0002",
        sample_type="np",
        test_kind="rt_pcr",
    )
    services.samples_receive(actor=SYSTEM, lab=lab, codes=["PM-0002"])
    services.results_enter(
        actor=SYSTEM, lab=lab, rows=[services.ResultRow(code="PM-0002", outcome="negative", verified_by="x")]
    )
    return {
        "testing.labresult": other.result,
        "testing.samplingsite": site,
        "testing.lab": lab,
        "testing.sample": sample,
        "testing.case": case,
    }
