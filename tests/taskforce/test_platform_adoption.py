"""Per-platform adoption: the platforms agencies tick on their weekly usage report, counted per
platform over the agencies expected to report, and listed per agency (page and weekly report)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Organization
from taskforce import selectors, services
from taskforce.models import Platform
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db


def _last_week() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=7)


def _report(org, platforms, week):
    return services.usage_report_submit(
        actor=SYSTEM,
        organization=org,
        period_start=week,
        staff_count=10,
        staff_with_app=5,
        checkpoints_registered=1,
        scans_in_period=10,
        platforms=[Platform.objects.get(code=code) for code in platforms],
    )


@pytest.fixture
def reported(tf, province):
    week = _last_week()
    _report(tf.syt, ["qr-declaration", "vaccination"], week)
    _report(tf.sttt, ["qr-declaration"], week)
    business = Organization.objects.create(name="Công ty Bia (minh họa)", kind="business", unit=province)
    _report(business, ["qr-declaration", "testing"], week)
    # Another week's ticks do not count.
    _report(tf.district_org, ["testing"], week - datetime.timedelta(days=7))
    return week


def test_per_platform_counts_are_over_the_agencies_expected_to_report(tf, reported):
    result = selectors.platform_adoption(reported)
    assert result["expected"] == 3 and result["reported"] == 2
    rows = {row["code"]: row for row in result["platforms"]}
    assert (rows["qr-declaration"]["using"], rows["qr-declaration"]["rate"]) == (2, 66.7)
    assert (rows["vaccination"]["using"], rows["vaccination"]["rate"]) == (1, 33.3)
    assert (rows["testing"]["using"], rows["testing"]["rate"]) == (0, 0.0)  # the business is not expected
    assert len(rows) == Platform.objects.filter(is_active=True).count()


def test_per_agency_lists_in_vietnamese_order_then_unexpected_reporters(tf, reported):
    agencies = selectors.platform_adoption(reported)["agencies"]
    assert [a["name"] for a in agencies] == [
        "Sở Thông tin và Truyền thông",
        "Sở Y tế",
        "UBND huyện Đông Sơn",
        "Công ty Bia (minh họa)",
    ]
    by_name = {a["name"]: a for a in agencies}
    assert by_name["Sở Y tế"]["platforms"] == [
        Platform.objects.get(code="qr-declaration").name,
        Platform.objects.get(code="vaccination").name,
    ]
    district = by_name["UBND huyện Đông Sơn"]
    assert not district["reported"] and district["platforms"] == []
    assert by_name["Công ty Bia (minh họa)"]["expected"] is False


def test_an_inactive_platform_still_ticked_is_listed(tf, reported):
    Platform.objects.filter(code="vaccination").update(is_active=False)
    Platform.objects.filter(code="robot-call").update(is_active=False)
    codes = [row["code"] for row in selectors.platform_adoption(reported)["platforms"]]
    assert "vaccination" in codes and "robot-call" not in codes


def test_the_adoption_page_shows_platforms_and_agencies(client, tf, leader, reported):
    client.force_login(leader)
    response = client.get(reverse("taskforce:adoption"), {"period": f"{reported:%Y-%m-%d}"})
    html = response.content.decode()
    assert response.status_code == 200
    qr = Platform.objects.get(code="qr-declaration").name
    assert 'id="platform-adoption"' in html and f"<td>{qr}</td><td>2/3</td><td>66,7%</td>" in html
    assert (
        'id="platform-by-agency"' in html and "<td>UBND huyện Đông Sơn</td><td><em>Chưa báo cáo</em>" in html
    )


def test_the_weekly_report_adoption_section_has_the_platform_table(tf, reported):
    from reports import data
    from reports.models import Section

    _ctx, sections = data.collect(
        period_start=reported, period_end=reported, unit_ids=[], sections=[Section.ADOPTION]
    )
    table = next(t for t in sections[0].tables if t.key == "adoption_by_platform")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows[Platform.objects.get(code="qr-declaration").name] == [2, 3, 66.7]
    assert rows[Platform.objects.get(code="testing").name] == [0, 3, 0.0]
    assert "2/3" in table.note
    qr = Platform.objects.get(code="qr-declaration").name
    assert any(qr in line and "(2/3" in line for line in sections[0].highlights)


def test_the_report_lists_agencies_in_vietnamese_order(tf, reported, province):
    from reports import data
    from reports.models import Section

    for name in ("Đài Phát thanh tỉnh", "Bưu điện tỉnh", "Bệnh viện tỉnh", "Dịch vụ công tỉnh"):
        org = Organization.objects.create(name=name, kind="department", unit=province)
        _report(org, ["qr-declaration"], reported)
    _ctx, sections = data.collect(
        period_start=reported, period_end=reported, unit_ids=[], sections=[Section.ADOPTION]
    )
    table = next(t for t in sections[0].tables if t.key == "adoption_by_agency")
    names = [row[0] for row in table.rows]
    assert names.index("Bệnh viện tỉnh") < names.index("Bưu điện tỉnh") < names.index("Dịch vụ công tỉnh")
    assert names.index("Dịch vụ công tỉnh") < names.index("Đài Phát thanh tỉnh") < names.index("Sở Y tế")
