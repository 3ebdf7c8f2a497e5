"""How figures read in a report: the locale's thousands and decimal separators (Django's
``number_format``; Vietnamese: 1.234.567 and 12,5), yes/no, a dash for a missing value. Cells
are (text, css class): numbers are right-aligned. A report is written in the site's language
(``reports.render`` formats it under ``settings.LANGUAGE_CODE``)."""

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def thousands(value: int) -> str:
    """1234567 -> '1.234.567' in Vietnamese."""
    return number_format(value, force_grouping=True)


def one_decimal(value: float) -> str:
    """12.46 -> '12,5' in Vietnamese. Rounded first: ``number_format`` cuts a float's extra
    digits (2.96 would read '2,9')."""
    return number_format(round(value, 1), decimal_pos=1, force_grouping=True)


def format_cell(cell: Any) -> tuple[str, str]:
    if cell is None:
        return ("—", "num")
    if isinstance(cell, bool):
        return (_("Có") if cell else _("Không"), "")
    if isinstance(cell, int):
        return (thousands(cell), "num")
    if isinstance(cell, float):
        return (one_decimal(cell), "num")
    return (str(cell), "")
