"""The officials' pages: the week's levels with the proposal beside the declared level, a unit's
page and its forms, the thresholds."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from core.roles import Role
from epidemic import services
from epidemic.models import DeclaredLevel, LevelRules, TreatmentCapacity, UnitBoundary
from tests.actors import SYSTEM
from tests.epidemic.conftest import WEEK, add_cases, set_population

pytestmark = pytest.mark.django_db


def test_overview_shows_proposal_and_declared_with_the_criteria(
    client, make_user, province, dong_son, ds_ward
):
    set_population(dong_son, 100_000)
    add_cases(ds_ward, WEEK, 60)
    services.level_declare(
        actor=SYSTEM, unit=dong_son, level=2, decision_number="9/QĐ", decision_date=WEEK, effective_from=WEEK
    )
    services.levels_compute(actor=SYSTEM, week_start=WEEK)
    client.force_login(make_user(Role.TASKFORCE_MEMBER, province_wide=True))
    page = client.get(reverse("epidemic:overview")).content.decode()
    row = "".join(page.split("Huyện Đông Sơn</a></th>")[1].split("</tr>")[:2])  # the row and its criteria
    assert "level-badge l2" in row and "9/QĐ" in row  # declared
    assert "level-badge l3" in row and "khác cấp đã công bố" in row  # proposed: 60 per 100,000
    assert "60 ca mới tại cộng đồng, 60,00 ca/100.000 dân/tuần → cấp 3" in row
    assert "chưa xác minh" in page
    rate_map = client.get(reverse("epidemic:overview") + "?ban-do=rate").content.decode()
    assert "unit-tiles" in rate_map


def test_a_district_official_declares_and_enters_capacity_for_their_units_only(
    client, make_user, province, dong_son, sam_son
):
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    client.force_login(official)
    url = reverse("epidemic:unit", kwargs={"pk": dong_son.pk})
    response = client.post(
        url,
        {
            "action": "declare",
            "d-level": "3",
            "d-decision_number": "15/QĐ-UBND",
            "d-decision_date": "2026-11-20",
            "d-effective_from": "2026-11-21",
        },
    )
    assert response.status_code == 302
    assert DeclaredLevel.objects.get(unit=dong_son).level == 3
    bad = client.post(
        url,
        {
            "action": "capacity",
            "c-week_start": "2026-11-18",
            "c-beds": "10",
            "c-beds_occupied": "12",
            "c-oxygen_sufficient": "unknown",
        },
    )
    assert bad.status_code == 200 and "không được vượt" in bad.content.decode()
    assert "12" in bad.content.decode()  # what was typed is kept
    ok = client.post(
        url,
        {
            "action": "capacity",
            "c-week_start": "2026-11-18",
            "c-beds": "10",
            "c-beds_occupied": "8",
            "c-oxygen_sufficient": "false",
        },
    )
    assert ok.status_code == 302
    row = TreatmentCapacity.objects.get(unit=dong_son)
    assert (row.week_start, row.oxygen_sufficient) == (datetime.date(2026, 11, 16), False)
    # Another district: no form, and a post is refused without a trace.
    before = AuditLog.objects.count()
    other = reverse("epidemic:unit", kwargs={"pk": sam_son.pk})
    assert "d-level" not in client.get(other).content.decode()
    assert client.post(other, {"action": "declare", "d-level": "1"}).status_code == 403
    assert AuditLog.objects.count() == before


def test_boundary_upload_from_the_unit_page(client, make_user, province, dong_son):
    client.force_login(make_user(Role.SECRETARIAT, province_wide=True))
    url = reverse("epidemic:unit", kwargs={"pk": dong_son.pk})
    broken = SimpleUploadedFile("x.geojson", b'{"type": "Point", "coordinates": [1, 2]}')
    response = client.post(url, {"action": "boundary", "b-file": broken})
    assert "Chỉ nhận vùng" in response.content.decode() and not UnitBoundary.objects.exists()
    square = {
        "type": "Polygon",
        "coordinates": [[[105.7, 19.7], [105.8, 19.7], [105.8, 19.8], [105.7, 19.8], [105.7, 19.7]]],
    }
    good = SimpleUploadedFile("x.geojson", json.dumps(square).encode())
    assert client.post(url, {"action": "boundary", "b-file": good}).status_code == 302
    assert UnitBoundary.objects.get(unit=dong_son).points_kept == 5
    page = client.get(reverse("epidemic:overview")).content.decode()
    assert "<svg" in page and "choropleth" in page


def test_thresholds_page_saves_a_new_version(client, make_user, province):
    client.force_login(make_user(Role.EPIDEMIOLOGIST, province_wide=True))
    url = reverse("epidemic:rules")
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(effective_from="2026-12-01", rate_level2="25", verified="on" if data.get("verified") else "")
    data = {k: v for k, v in data.items() if v is not False and v != ""}
    data["oxygen_required"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert LevelRules.objects.get(effective_from=datetime.date(2026, 12, 1)).rate_level2 == 25
    client.force_login(make_user(Role.TASKFORCE_MEMBER, province_wide=True))
    assert client.post(url, data).status_code == 403
