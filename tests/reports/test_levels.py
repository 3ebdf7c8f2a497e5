"""The weekly report's levels section: declared levels with their decision, the week's proposal
beside them, and the changes of level in the period (the same selectors as the dashboard)."""

import datetime

import pytest

from epidemic import services
from reports.data import collect
from reports.models import Section
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward
from tests.epidemic.conftest import WEEK, add_cases, set_population

pytestmark = pytest.mark.django_db


def test_the_report_shows_levels_and_their_changes(province, dong_son, sam_son):
    set_population(dong_son, 100_000)
    add_cases(first_ward("405"), WEEK + datetime.timedelta(days=2), 25)
    services.level_declare(
        actor=SYSTEM,
        unit=dong_son,
        level=1,
        decision_number="1/QĐ",
        decision_date=WEEK - datetime.timedelta(days=30),
        effective_from=WEEK - datetime.timedelta(days=30),
    )
    services.level_declare(
        actor=SYSTEM,
        unit=dong_son,
        level=2,
        decision_number="2/QĐ",
        decision_date=WEEK + datetime.timedelta(days=3),
        effective_from=WEEK + datetime.timedelta(days=4),
    )
    services.level_declare(  # a first declaration is a change (from none)
        actor=SYSTEM, unit=sam_son, level=1, decision_number="3/QĐ", decision_date=WEEK, effective_from=WEEK
    )
    services.levels_compute(actor=SYSTEM, week_start=WEEK)
    _ctx, (section,) = collect(
        period_start=WEEK,
        period_end=WEEK + datetime.timedelta(days=6),
        unit_ids=[],
        sections=[Section.LEVELS],
    )
    levels, changes = section.tables
    ds = next(r for r in levels.rows if r[0] == "Huyện Đông Sơn")
    assert ds == ["Huyện Đông Sơn", 2, f"2/QĐ ({WEEK + datetime.timedelta(days=3):%d/%m/%Y})", 2, 25.0]
    assert changes.rows == [
        ["Thành phố Sầm Sơn", None, 1, f"3/QĐ ({WEEK:%d/%m/%Y})", f"{WEEK:%d/%m/%Y}"],
        [
            "Huyện Đông Sơn",
            1,
            2,
            f"2/QĐ ({WEEK + datetime.timedelta(days=3):%d/%m/%Y})",
            f"{WEEK + datetime.timedelta(days=4):%d/%m/%Y}",
        ],
    ]
    assert "2 địa bàn thay đổi cấp độ dịch trong kỳ" in section.highlights[0]
