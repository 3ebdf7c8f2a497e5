"""How a published cell reads: numbers with the locale's separators, "< 5" and "*" as they are."""

import datetime
from typing import Any

from django import template
from django.utils import formats

from reports.formatting import format_cell

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    return format_cell(value)[0]


@register.filter
def day_label(value: str) -> str:
    """'2026-12-05' -> '05/12' (short day label of tables and charts)."""
    return formats.date_format(datetime.date.fromisoformat(value), "d/m")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return (mapping or {}).get(key) or {}
