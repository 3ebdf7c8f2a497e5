"""How figures read in a report: Vietnamese thousands dots and decimal commas, yes/no, a dash
for a missing value. Cells are (text, css class): numbers are right-aligned."""

from typing import Any

from django.utils.translation import gettext as _


def thousands(value: int) -> str:
    """1234567 -> '1.234.567'."""
    return f"{value:,}".replace(",", ".")


def format_cell(cell: Any) -> tuple[str, str]:
    if cell is None:
        return ("—", "num")
    if isinstance(cell, bool):
        return (_("Có") if cell else _("Không"), "")
    if isinstance(cell, int):
        return (thousands(cell), "num")
    if isinstance(cell, float):
        return (f"{cell:,.1f}".replace(",", " ").replace(".", ",").replace(" ", "."), "num")
    return (str(cell), "")
