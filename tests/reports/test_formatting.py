"""Figures in a report read in the site's locale (Django's number_format): Vietnamese thousands
dots and decimal commas, in the tables and in the charts beside them."""

import datetime
import types

import pytest
from django.utils import timezone, translation

from reports.charts import bar_chart
from reports.data import SectionData, Table
from reports.data.base import ReportContext
from reports.formatting import format_cell, one_decimal, thousands
from reports.render import render_html


def test_vietnamese_thousands_and_decimals():
    with translation.override("vi"):
        assert thousands(1234567) == "1.234.567"
        assert thousands(-1200) == "-1.200"
        assert thousands(999) == "999"
        assert format_cell(1234.56) == ("1.234,6", "num")
        assert format_cell(None) == ("—", "num")


def test_decimals_are_rounded_not_cut():
    # number_format alone cuts a float's digits: 2.96 would read "2,9".
    with translation.override("vi"):
        assert one_decimal(2.96) == "3,0"
        assert one_decimal(1234.96) == "1.235,0"
        assert one_decimal(0.04) == "0,0"


def test_english_separators_come_from_the_locale_not_from_code():
    with translation.override("en"):
        assert thousands(1234567) == "1,234,567"
        assert one_decimal(1234.56) == "1,234.6"


def _table() -> Table:
    return Table(
        key="t",
        title="T",
        headers=["Đơn vị", "Tỷ lệ", "Lượt"],
        rows=[["Đông Sơn", 12.5, 1234567], ["Sầm Sơn", 1234.25, 12]],
        chart_column=1,
    )


def test_a_chart_writes_decimals_like_the_table():
    with translation.override("vi"):
        svg = bar_chart(_table()) or ""
    assert ">12,5<" in svg and ">1.234,2<" in svg  # was "12.5" and "1.234.2"


@pytest.mark.django_db  # the official form reads the signer (the leader on the report's date)
def test_a_report_is_formatted_in_the_site_language_whatever_the_request_language():
    report = types.SimpleNamespace(number="01/BC", kind="weekly", version=1, unit_ids=[], instruction="")
    ctx = ReportContext(
        period_start=datetime.date(2021, 8, 2),
        period_end=datetime.date(2021, 8, 8),
        units=[],
        snapshot_at=timezone.now(),
    )
    section = SectionData(key="s", title="S", tables=[_table()])
    with translation.override("en"):
        html = render_html(report=report, ctx=ctx, sections=[section])
    assert "1.234.567" in html and "12,5" in html
