"""A batch refused as a whole, naming each item's problem (all or nothing).

Services that take many rows (lab results, people registered in bulk) check every row first and
raise ``ItemErrors``. It is a Django ``ValidationError`` whose messages are "Dòng N: ..." (the
pages show them as they are), and the API's one error handler (``core.exception_handlers``)
answers it in the shape DRF gives a list input's invalid items (keyed by the item's index
from 0; valid items are left out), so a serializer's refusal and a service's read the same::

    {"results": {"1": {"non_field_errors": ["Dòng 2: không có mẫu mã TH-9999."]}}}
"""

from typing import Any

from django.core.exceptions import ValidationError


class ItemErrors(ValidationError):
    def __init__(self, errors: list[tuple[int, str]], *, count: int, field: str = "items") -> None:
        """``errors``: (row number from 1, message) pairs; ``count``: rows in the batch;
        ``field``: the API input's list field the rows came in."""
        super().__init__([message for _number, message in errors])
        self.rows = errors
        self.count = count
        self.field = field

    def api_detail(self) -> dict[str, Any]:
        items: dict[int, dict[str, list[str]]] = {}
        for number, message in self.rows:
            items.setdefault(number - 1, {}).setdefault("non_field_errors", []).append(message)
        return {self.field: items}
