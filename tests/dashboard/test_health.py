"""The health sections of the dashboard: cases, vaccination, the levels and their map — the same
suppression in every output, declared levels for the public and proposals for officials only."""

import datetime
import json

import pytest
from django.urls import reverse

from core.roles import Role
from dashboard.models import Snapshot
from dashboard.services import snapshot_refresh
from epidemic import services as epidemic_services
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward
from tests.dashboard.conftest import NOW, TODAY
from tests.epidemic.conftest import add_cases, set_population

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[105.7, 19.7], [105.8, 19.7], [105.8, 19.8], [105.7, 19.8], [105.7, 19.7]]],
}


def _section(key):
    return Snapshot.objects.get().data["sections"][key]


def _row(section, table, code):
    t = next(t for t in section["tables"] if t["key"] == table)
    return next(r for r in t["rows"] if r["code"] == code)["values"]


@pytest.fixture
def cases(province, dong_son, sam_son):
    """Last 7 days (19–25 Nov): Đông Sơn 12 community + 3 found in quarantine; Sầm Sơn 2."""
    set_population(dong_son, 100_000)
    set_population(sam_son, 50_000)
    ds, ss = first_ward("405"), first_ward("382")
    add_cases(ds, TODAY, 6)
    add_cases(ds, TODAY - datetime.timedelta(days=3), 6)
    add_cases(ds, TODAY, 3, found_in="quarantine")
    add_cases(ss, TODAY - datetime.timedelta(days=1), 2)
    add_cases(ds, TODAY - datetime.timedelta(days=10), 40)  # outside the 7 days, inside the chart
    return dong_son, sam_son


def test_cases_are_suppressed_in_every_output(client, cases):
    snapshot_refresh(actor=SYSTEM, now=NOW)
    section = _section("cases")
    # Đông Sơn: 15 in 7 days; the 3 not from the community are never published and below 5, so
    # 15 - 12 would give them back: one of the two is withheld — the total, because community
    # cases are what the levels count (``keep``) — and its rate with it.
    assert _row(section, "units", "405") == ["*", 12, "*", 12.0]
    # Sầm Sơn: 2 cases: "< 5", and no rate that would give them back.
    assert _row(section, "units", "382") == ["< 5", "< 5", "*", "*"]
    tiles = {t["label"]: t["value"] for t in section["tiles"]}
    assert tiles["Ca mắc mới hôm nay"] == 9
    # The province: 17 cases, 14 community, 3 other (hidden): the same rule withholds the total.
    assert tiles["Ca mắc trong 7 ngày"] == "*"
    assert tiles["Ca tại cộng đồng trong 7 ngày"] == 14
    chart = section["charts"][0]
    assert chart["values"][-11] == 40 and len(chart["values"]) == 30
    assert chart["values"][-2] == "< 5"  # Sầm Sơn's 2 yesterday
    page = client.get(reverse("dashboard:home")).content.decode()
    cases_html = page.split('id="cases"')[1].split("</section>")[0]
    assert "<strong>14</strong>" in cases_html and 'role="img"' in cases_html
    # The levels map colours by the same published rate: Đông Sơn's is withheld there too.
    rate_page = client.get(reverse("dashboard:home") + "?ban-do=ty-le").content.decode()
    levels = rate_page.split('id="levels"')[1].split("</section>")[0]
    ds_tile = levels.split("Huyện Đông Sơn</a>")[1].split("</li>")[0]
    assert "12,0 ca/100.000 dân" in ds_tile
    ss_tile = levels.split("Thành phố Sầm Sơn</a>")[1].split("</li>")[0]
    assert "—" in ss_tile  # Sầm Sơn's rate is withheld on the page: on the map too


def test_vaccination_coverage_withholds_a_share_whose_count_is_small(province, dong_son):
    from vaccination import public_figures

    set_population(dong_son, 100_000, adults=80_000)
    result = public_figures.collect(today=TODAY, now=NOW)
    from dashboard.plugins import resolve

    out = resolve(result)
    row = _row(out, "units", "405")
    assert row[0] == "< 5"  # doses in 7 days: none (0 is below 5)
    assert row[1] == "*"  # 0 of 80,000 adults: the count is below 5, so the share is withheld
    tiles = {t["label"]: t["value"] for t in out["tiles"]}
    assert tiles["Mũi tiêm hôm nay"] == "< 5"


def test_public_sees_the_declared_level_officials_also_the_proposal(client, cases, make_user):
    dong_son, _ss = cases
    epidemic_services.level_declare(
        actor=SYSTEM,
        unit=dong_son,
        level=1,
        decision_number="77/QĐ-UBND",
        decision_date=datetime.date(2026, 11, 20),
        effective_from=datetime.date(2026, 11, 21),
    )
    epidemic_services.levels_compute(actor=SYSTEM, week_start=datetime.date(2026, 11, 16))
    snapshot_refresh(actor=SYSTEM, now=NOW)
    public = client.get(reverse("dashboard:home")).content.decode()
    levels = public.split('id="levels"')[1].split("</section>")[0]
    ds_row = levels.split("Huyện Đông Sơn</a></th>")[1].split("</tr>")[0]
    assert "Cấp 1" in ds_row and "77/QĐ-UBND" in ds_row and "20/11/2026" in ds_row
    # The computed proposal is never on the public page.
    assert "Đề xuất" not in public
    official = make_user(Role.TASKFORCE_MEMBER, province_wide=True)
    client.force_login(official)
    seen = client.get(reverse("dashboard:home")).content.decode()
    assert "Đề xuất (chỉ cán bộ thấy)" in seen
    client.logout()
    assert "Đề xuất" not in client.get(reverse("dashboard:home")).content.decode()  # not cached for others


def test_the_map_without_boundaries_is_a_grid_of_tiles_and_with_them_an_svg(client, cases):
    dong_son, _sam_son = cases
    snapshot_refresh(actor=SYSTEM, now=NOW)
    page = client.get(reverse("dashboard:home")).content.decode()
    levels = page.split('id="levels"')[1].split("</section>")[0]
    assert 'class="unit-tiles"' in levels and "<svg" not in levels
    epidemic_services.boundary_upload(actor=SYSTEM, unit=dong_son, content=json.dumps(SQUARE).encode())
    snapshot_refresh(actor=SYSTEM, now=NOW)
    page = client.get(reverse("dashboard:home")).content.decode()
    levels = page.split('id="levels"')[1].split("</section>")[0]
    svg = levels.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg and svg.count("<path") == 1
    assert "<title>Huyện Đông Sơn: Chưa công bố</title>" in svg
    assert reverse("dashboard:unit", kwargs={"code": "405"}) in svg
    # The units without a boundary are still there, as tiles.
    assert "Thành phố Sầm Sơn" in levels.split("</svg>")[1]
    # And the table behind the map lists every unit.
    assert "Cấp độ dịch đã công bố theo đơn vị" in levels


def test_where_to_go_lists_public_sites_and_sessions_with_room(client, province, dong_son):
    from django.utils import timezone

    from testing import services as testing_services
    from vaccination import services as vaccination_services
    from vaccination.models import Vaccine

    ward = first_ward("405")
    testing_services.site_create(
        actor=SYSTEM,
        name="Trạm Y tế xã",
        unit=ward,
        address="Thôn 1",
        hours="7:30–11:30, thứ Hai đến thứ Bảy",
    )
    testing_services.site_create(actor=SYSTEM, name="Khu cách ly tập trung", unit=ward, setting="quarantine")
    site = vaccination_services.site_create(actor=SYSTEM, name="Điểm tiêm Trường THCS", unit=ward)
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    today = timezone.localdate()
    vaccination_services.session_create(
        actor=SYSTEM, site=site, date=today + datetime.timedelta(days=1), vaccine=vaccine, capacity=30
    )
    snapshot_refresh(actor=SYSTEM)
    page = client.get(reverse("dashboard:places") + "?don-vi=405").content.decode()
    assert "Trạm Y tế xã" in page and "Thôn 1" in page and "7:30–11:30, thứ Hai đến thứ Bảy" in page
    assert "Khu cách ly tập trung" not in page  # not a place the public walks into
    assert "Điểm tiêm Trường THCS" in page and "07:30–16:30" in page and "còn 30 chỗ" in page
    other = client.get(reverse("dashboard:places") + "?don-vi=382").content.decode()
    assert "Trạm Y tế xã" not in other
    home = client.get(reverse("dashboard:home")).content.decode()
    assert reverse("dashboard:places") in home


def test_open_data_carries_the_same_published_cells(client, cases):
    snapshot_refresh(actor=SYSTEM, now=NOW)
    doc = client.get(reverse("dashboard-api:health")).json()
    units = next(t for t in doc["sections"]["cases"]["tables"] if t["key"] == "units")
    ds = next(r for r in units["rows"] if r["code"] == "405")
    assert ds["values"] == ["*", 12, "*", 12.0]  # as on the page
    # Đông Sơn's tests in 7 days: 15 samples, 15 results, all positive: the 0 negatives (never
    # published, below 5) would be 15 - 15, so the positives and the positivity are withheld.
    testing_units = next(t for t in doc["sections"]["testing"]["tables"] if t["key"] == "units")
    assert next(r for r in testing_units["rows"] if r["code"] == "405")["values"] == [15, 15, "*", "*"]
    assert {u["code"] for u in doc["levels"]["units"]} >= {"405", "382"}
    assert "polygons" not in json.dumps(doc)
    csv_text = client.get(reverse("dashboard-api:health-csv", kwargs={"section": "cases"})).content.decode()
    header, *rows = csv_text.splitlines()
    assert header.startswith("code,Đơn vị,")
    assert next(r for r in rows if r.startswith("405,")) == "405,Huyện Đông Sơn,*,12,*,12.0"
    levels_url = reverse("dashboard-api:health-csv", kwargs={"section": "levels"})
    levels_csv = client.get(levels_url).content.decode()
    assert levels_csv.splitlines()[0] == "code,name,level,decision_number,decision_date,effective_from"
    assert client.get(reverse("dashboard-api:health-csv", kwargs={"section": "nope"})).status_code == 404


def test_tests_and_positivity_from_the_testing_roll_up(province, dong_son, sam_son):
    """Samples, results and positivity read from the testing roll-ups, folded or live alike."""
    from core import services as core_services
    from dashboard.plugins import resolve
    from testing import public_figures
    from testing.models import LabResult, Sample

    ds = first_ward("405")
    add_cases(ds, TODAY - datetime.timedelta(days=2), 6)
    # 20 negative samples at Đông Sơn's community site, resulted the same day.
    site = Sample.objects.filter(site__unit=ds)[0].site
    for i in range(20):
        sample = Sample.objects.create(
            code=f"NEG-{i}",
            person=Sample.objects.all()[0].person,
            site=site,
            collected_at=NOW - datetime.timedelta(days=3),
            sample_type="np",
            test_kind="rt_pcr",
            status=Sample.Status.RESULTED,
        )
        LabResult.objects.create(
            sample=sample, outcome="negative", resulted_at=NOW - datetime.timedelta(days=2), verified_by="x"
        )
    live = resolve(public_figures.collect(today=TODAY, now=NOW))
    assert _row(live, "units", "405") == [26, 26, 6, 23.1]  # 6 of 26 positive
    assert _row(live, "units", "382") == ["< 5", "< 5", "< 5", None]  # no result: no share
    tiles = {t["label"]: t["value"] for t in live["tiles"]}
    assert tiles["Tỷ lệ dương tính 7 ngày"] == 23.1 and tiles["Mẫu xét nghiệm trong 7 ngày"] == 26
    core_services.rollups_fold(actor=SYSTEM, now=NOW)
    assert resolve(public_figures.collect(today=TODAY, now=NOW)) == live  # the same from the aggregate


def test_a_units_page_shows_its_declared_level_and_health_figures(client, cases):
    dong_son, _ss = cases
    epidemic_services.level_declare(
        actor=SYSTEM,
        unit=dong_son,
        level=3,
        decision_number="88/QĐ-UBND",
        decision_date=datetime.date(2026, 11, 20),
        effective_from=datetime.date(2026, 11, 21),
    )
    snapshot_refresh(actor=SYSTEM, now=NOW)
    page = client.get(reverse("dashboard:unit", kwargs={"code": "405"})).content.decode()
    assert "level-badge l3" in page and "88/QĐ-UBND" in page
    assert "Tại cộng đồng</span><strong>12</strong>" in page  # the cases table's cells, as published
