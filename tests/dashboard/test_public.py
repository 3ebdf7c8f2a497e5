"""Every public output (page, chart, table, JSON, CSV) shows the same suppressed figures; the
answers are cached per version, with ETags; requests never count raw records."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import privacy, sections
from dashboard.models import Snapshot
from dashboard.services import snapshot_refresh
from tests.actors import SYSTEM
from tests.dashboard.conftest import NOW, add_checkins, on

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(places):
    """Đông Sơn: 10 check-ins on the 23rd (7 flagged), 3 on the 24th, 8 on the 25th.

    - the 24th's 3 is below 5: "< 5";
    - this week's 21 minus 10 and 8 would give it back: the smallest other part, the 25th's 8,
      is withheld ("*");
    - the 23rd: 10 check-ins, 7 flagged: the 3 not flagged (never published) would be 10 - 7,
      so the flagged 7 is withheld.
    """
    ds, ss, _quiet, person = places
    add_checkins(ds, person, on(23), 10, flagged=7)
    add_checkins(ds, person, on(24), 3)
    add_checkins(ds, person, on(25, 9), 8)
    for n in (23, 24, 25):
        add_checkins(ss, person, on(n), 20)
    snapshot_refresh(actor=SYSTEM, now=NOW)
    return places


def _unit(data, code):
    return next(u for u in data["units"] if u["code"] == code)


def test_small_counts_and_what_would_reveal_them_are_withheld(small):
    data = Snapshot.objects.get().data
    ds = _unit(data, "405")
    days = dict(zip(data["days"], ds["checkins"], strict=True))
    flagged = dict(zip(data["days"], ds["flagged"], strict=True))
    assert (days["2026-11-23"], days["2026-11-24"], days["2026-11-25"]) == (10, "< 5", "*")
    assert ds["checkins_week"] == 21 and ds["checkins_today"] == "*"
    assert flagged["2026-11-23"] == "*"
    # No published equation has a single unknown: the week minus the visible days is 3 + 8.
    visible = [v for v in (days["2026-11-23"], days["2026-11-24"], days["2026-11-25"]) if isinstance(v, int)]
    assert ds["checkins_week"] - sum(visible) == 11


def test_the_disclosure_rule_on_its_own():
    dis = privacy.Disclosure(limit=5)
    for key, value in {"total": 30, "a": 2, "b": 9, "c": 19}.items():
        dis.add(key, value)
    dis.group("total", ["a", "b", "c"])
    dis.resolve()
    assert [dis.published(k) for k in ("total", "a", "b", "c")] == [30, "< 5", "*", 19]
    # A total with a single part below the threshold is withheld itself.
    one = privacy.Disclosure(limit=5)
    one.add("t", 3)
    one.add("p", 3)
    one.group("t", ["p"])
    assert one.resolve().published("t") == "< 5"


def _texts(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_public_output_shows_the_same_suppression(client, small):
    home = _texts(client, reverse("dashboard:home"))
    unit = _texts(client, reverse("dashboard:unit", kwargs={"code": "405"}))
    unit_json = json.loads(_texts(client, reverse("dashboard-api:unit", kwargs={"code": "405"})))
    unit_csv = list(
        csv.DictReader(io.StringIO(_texts(client, reverse("dashboard-api:unit-csv", kwargs={"code": "405"}))))
    )
    units_json = json.loads(_texts(client, reverse("dashboard-api:units")))
    units_csv = list(csv.DictReader(io.StringIO(_texts(client, reverse("dashboard-api:units-csv")))))

    # The unit page: its data table rows (24/11 "< 5", 25/11 "*") and its tiles.
    assert re.search(r"24/11</th><td class=\"num\">&lt; 5</td>", unit)
    assert re.search(r"25/11</th><td class=\"num\">\*</td>", unit)
    assert "3</td>" not in unit.split("<tbody>")[1].split("</tbody>")[0].replace("13</td>", "")
    # The chart behind it: no bar for a withheld day (21 bars would be drawn were it not).
    svg = unit.split("<svg")[1].split("</svg>")[0]
    assert svg.count('fill="#7fa7c9"') == 1  # only the 23rd's 10
    assert svg.count('fill="none" stroke="#666"') == 29  # 29 withheld days (0s included)
    # JSON and CSV.
    by_day = {row["day"]: row for row in unit_json["days"]}
    assert (by_day["2026-11-24"]["checkins"], by_day["2026-11-25"]["checkins"]) == ("< 5", "*")
    assert by_day["2026-11-23"]["flagged"] == "*"
    csv_days = {row["day"]: row for row in unit_csv}
    assert (csv_days["2026-11-24"]["checkins"], csv_days["2026-11-25"]["checkins"]) == ("< 5", "*")
    ds_json = next(u for u in units_json["units"] if u["code"] == "405")
    ds_csv = next(u for u in units_csv if u["code"] == "405")
    assert ds_json["checkins_today"] == "*" and ds_csv["checkins_today"] == "*"
    assert ds_json["checkins_week"] == 21 and ds_csv["checkins_week"] == "21"
    # The dashboard's per-unit table row for Đông Sơn.
    table = home.split('id="theo-don-vi"')[1]
    row = table.split(reverse("dashboard:unit", kwargs={"code": "405"}))[1].split("</tr>")[0]
    assert '<td class="num">*</td><td class="num">21</td>' in row


@override_settings(PUBLIC_SUPPRESSION_THRESHOLD=10)
def test_the_threshold_is_a_setting(client, places):
    ds, _ss, _quiet, person = places
    add_checkins(ds, person, on(25, 9), 8)
    snapshot_refresh(actor=SYSTEM, now=NOW)
    body = json.loads(_texts(client, reverse("dashboard-api:unit", kwargs={"code": "405"})))
    assert body["threshold"] == 10
    assert body["days"][-1]["checkins"] == "< 10"
    assert "&lt; 10" in _texts(client, reverse("dashboard:unit", kwargs={"code": "405"}))


def test_sorting_puts_withheld_cells_together_by_name(client, small):
    from dashboard.views import sort_units

    units: list[dict[str, object]] = [
        {"name": "B", "v": 9},
        {"name": "A", "v": "*"},
        {"name": "C", "v": "< 5"},
        {"name": "D", "v": 30},
    ]
    assert [u["name"] for u in sort_units(units, "v", True)] == ["D", "B", "A", "C"]
    assert [u["name"] for u in sort_units(units, "v", False)] == ["A", "C", "B", "D"]
    page = _texts(client, reverse("dashboard:home") + "?sort=checkins_week&dir=desc")
    assert 'aria-sort="descending"' in page


def test_requests_read_the_cache_not_the_check_ins(client, small):
    urls = [
        reverse("dashboard:home"),
        reverse("dashboard:unit", kwargs={"code": "405"}),
        reverse("dashboard-api:series"),
        reverse("dashboard-api:units-csv"),
    ]
    for url in urls:
        client.get(url)  # warm
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            assert client.get(url).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "checkpoints_checkin" not in sql and "dailystat" not in sql.lower()
    # One look-up of the published version per request.
    assert len(queries.captured_queries) == len(urls)


def test_a_refresh_invalidates_the_cached_pages_and_answers(client, small):
    ds, _ss, _quiet, person = small
    before = json.loads(_texts(client, reverse("dashboard-api:series")))
    assert before["days"][-1]["checkins"] == 28  # 8 + 20
    _texts(client, reverse("dashboard:home"))
    add_checkins(ds, person, on(25, 11), 12)
    snapshot_refresh(actor=SYSTEM, now=NOW)
    after = json.loads(_texts(client, reverse("dashboard-api:series")))
    assert after["days"][-1]["checkins"] == 40
    assert "<strong>40</strong>" in _texts(client, reverse("dashboard:home"))


def test_open_data_has_etags_and_cache_control(client, small):
    url = reverse("dashboard-api:units")
    response = client.get(url)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    etag = response["ETag"]
    assert etag.startswith('W/"')
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    csv_response = client.get(reverse("dashboard-api:units-csv"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["ETag"] and "max-age" in csv_response["Cache-Control"]
    # The figures unchanged, a new refresh keeps the ETag; changed, it moves.
    snapshot_refresh(actor=SYSTEM, now=NOW)
    assert client.get(url)["ETag"] == etag
    ds, _ss, _quiet, person = small
    add_checkins(ds, person, on(25, 11), 1)
    snapshot_refresh(actor=SYSTEM, now=NOW)
    assert client.get(url)["ETag"] != etag


def test_open_data_is_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/public/series/",
        "/api/v1/public/units/",
        "/api/v1/public/units.csv",
        "/api/v1/public/units/{code}/",
        "/api/v1/public/health/",
    ):
        assert path in schema


def test_nothing_published_yet(client, db):
    assert client.get(reverse("dashboard-api:units")).status_code == 404
    assert "lần đầu" in _texts(client, reverse("dashboard:home"))


def test_platforms_not_landed_show_an_empty_state_not_a_zero(client, small, monkeypatch):
    monkeypatch.setattr(sections, "_load", lambda source: None)  # no platform has landed
    snapshot_refresh(actor=SYSTEM, now=NOW)
    page = _texts(client, reverse("dashboard:home"))
    for key in ("cases", "testing", "vaccination"):
        section = page.split(f'id="{key}"')[1].split("</section>")[0]
        assert "Chưa có số liệu" in section and "<strong>" not in section


def test_a_platform_plugs_in_its_section(client, small, monkeypatch):
    calls = []

    def collect(*, today, now):
        calls.append(today)
        return [
            {"key": "samples", "label": "Mẫu xét nghiệm hôm nay", "value": 42, "sensitive": True},
            {"key": "positive", "label": "Ca dương tính hôm nay", "value": 2, "sensitive": True},
        ]

    monkeypatch.setattr(sections, "_load", lambda source: collect if source.startswith("testing.") else None)
    snapshot_refresh(actor=SYSTEM, now=NOW)
    data = Snapshot.objects.get().data
    assert data["sections"]["testing"]["figures"][0]["value"] == 42
    assert data["sections"]["testing"]["figures"][1]["value"] == "< 5"
    assert data["sections"]["vaccination"] == {"available": False}
    page = _texts(client, reverse("dashboard:home"))
    section = page.split('id="testing"')[1].split("</section>")[0]
    assert "<strong>42</strong>" in section and "<strong>&lt; 5</strong>" in section


def test_the_refresh_is_scheduled_every_few_minutes():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-refresh"]
    assert entry["task"] == "dashboard.tasks.refresh" and entry["schedule"] <= 600


def test_the_task_refreshes(small):
    from dashboard.tasks import refresh

    version = Snapshot.objects.get().version
    assert refresh.delay().get()["version"] == version + 1


@override_settings(DASHBOARD_TOKEN_TTL_SECONDS=60.0)
def test_a_process_reuses_the_version_token_until_a_refresh_here(small, django_assert_num_queries):
    from dashboard import selectors

    selectors.forget_token()
    first = selectors.current_token()
    with django_assert_num_queries(0):
        assert selectors.current_token() == first
    selectors.forget_token()  # what a refresh in this process does after its commit
    with django_assert_num_queries(1):
        assert selectors.current_token() == first


def test_the_language_link_sets_the_language_and_stays_on_the_site(client, small):
    url = reverse("dashboard:language")
    response = client.get(url, {"language": "en", "next": reverse("dashboard:unit", kwargs={"code": "405"})})
    assert response.status_code == 302 and response["Location"].endswith("/don-vi/405/")
    assert response.cookies["django_language"].value == "en"
    assert "Check-ins today" in _texts(client, reverse("dashboard:unit", kwargs={"code": "405"}))
    away = client.get(url, {"language": "en", "next": "https://example.com/"})
    assert away["Location"] == reverse("dashboard:home")
    # The pages are cached whole: no CSRF token in them.
    assert "csrfmiddlewaretoken" not in _texts(client, reverse("dashboard:home"))


def test_an_unknown_unit_is_a_404_in_every_form(client, small):
    assert client.get(reverse("dashboard:unit", kwargs={"code": "999"})).status_code == 404
    response = client.get(reverse("dashboard-api:unit", kwargs={"code": "999"}))
    assert response.status_code == 404 and response.json() == {"detail": "Không tìm thấy."}
