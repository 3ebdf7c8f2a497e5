"""Choosing an administrative unit level by level, shared by every form that asks for a ward.

One select per level of the active list (``PORTAL_ADMIN_UNIT_SCHEME``): province → district →
ward in the 2021 list, province → commune in the 2025 one (a form may start below a fixed
province). Each select offers only the children of the unit chosen above it, so nobody scrolls
through the province's 560 wards.

- Without JavaScript: the "Cập nhật danh sách" button (``name="refresh"``) posts the form back;
  the view rebuilds it from what was typed (``initial``) and the next level's options appear.
- With JavaScript (``static/js/unit_picker.js``, loaded by ``includes/unit_levels.html``): the
  button is hidden and choosing a level fills the next select from ``/api/v1/units/?parent=``.

A ward posted without its district (an old client, the API) fills in its ancestors; a ward
that does not belong to the district chosen above it is refused with a message.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import selectors, unit_directory
from core.models import AdministrativeUnit

REFRESH = "refresh"
EMPTY = ("", "—")
Level = AdministrativeUnit.Level


def scheme_levels(scheme: str | None = None) -> list[str]:
    """The levels of a list, top down: the 2025 list has no districts."""
    if (scheme or settings.ADMIN_UNIT_SCHEME) == AdministrativeUnit.Scheme.Y2021:
        return [Level.PROVINCE, Level.DISTRICT, Level.WARD]
    return [Level.PROVINCE, Level.WARD]


def unit_choices(parent_id: int | None) -> list[tuple[str, str]]:
    """The children of a unit (provinces for None) in Vietnamese order, after an empty choice
    (from the process's unit directory: no query)."""
    children = unit_directory.directory().children.get(parent_id, [])
    return [EMPTY, *((str(pk), name) for pk, name in children)]


def _province() -> AdministrativeUnit:
    province = unit_directory.directory().province()
    return province if province is not None else selectors.province_unit()  # raises DoesNotExist


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


LABELS = dict(Level.choices)


class UnitLevelsMixin:
    """For a ``forms.Form``: one select per level, named by ``unit_fields`` (level → field name).

    Set ``unit_below_province`` to start under the portal's province (not asked), and
    ``unit_required`` to require the last level. Call ``setup_unit_levels()`` at the end of
    ``__init__``; ``chosen_unit()`` is the deepest unit chosen (after ``is_valid()``);
    templates render ``form.unit_level_fields`` with ``includes/unit_levels.html``.
    """

    unit_fields: dict[str, str] = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.WARD: "ward"}
    unit_labels: dict[str, Any] = {}
    unit_below_province = False
    unit_required = False
    unit_default_province = False
    unit_insert_before: str | None = None

    fields: dict[str, forms.Field]
    data: Any
    initial: Any
    is_bound: bool
    cleaned_data: dict[str, Any]

    def setup_unit_levels(self) -> None:
        levels = scheme_levels()
        parent_id: int | None = None
        if self.unit_below_province:
            levels = levels[1:]
            parent_id = _province().pk
        self.unit_level_names = [self.unit_fields[level] for level in levels]
        values = self._unit_values(levels)
        for index, (level, name) in enumerate(zip(levels, self.unit_level_names, strict=True)):
            choices = unit_choices(parent_id) if index == 0 or parent_id else [EMPTY]
            last = index == len(levels) - 1
            self.fields[name] = forms.ChoiceField(
                label=self.unit_labels.get(level, LABELS[level]),
                choices=choices,
                required=self.unit_required and last,
                error_messages={
                    "invalid_choice": _(
                        "Đơn vị này không thuộc đơn vị cấp trên đã chọn: bấm “Cập nhật danh sách” "
                        "rồi chọn lại."
                    ),
                    "required": _("Vui lòng chọn %(level)s.") % {"level": str(LABELS[level]).lower()},
                },
                widget=forms.Select(attrs={"data-unit-level": level}),
            )
            chosen = values.get(name)
            parent_id = chosen if chosen is not None and _offered(choices, chosen) else None
        self._place_unit_fields()

    def _unit_values(self, levels: list[str]) -> dict[str, int | None]:
        """The ids chosen per field; a deeper choice fills in missing ancestors."""
        source = self.data if self.is_bound else self.initial
        key = self.add_prefix if self.is_bound else (lambda name: name)  # type: ignore[attr-defined]
        values = {name: _int(source.get(key(name))) for name in self.unit_level_names}
        names = self.unit_level_names
        for depth in range(len(names) - 1, 0, -1):
            child = values[names[depth]]
            if child is None or values[names[depth - 1]] is not None:
                continue
            unit = unit_directory.directory().get(child, levels[depth])
            if unit is not None and unit.parent_id is not None:
                values[names[depth - 1]] = unit.parent_id
        if self.unit_default_province and not self.is_bound and values.get(names[0]) is None:
            values[names[0]] = _province().pk
        if self.is_bound:
            # Copied (a QueryDict copy is a deep copy) only when an ancestor is filled in.
            missing = {
                key(n): str(v) for n, v in values.items() if v is not None and not self.data.get(key(n))
            }
            if missing:
                data = self.data.copy()
                for field_name, text in missing.items():
                    data[field_name] = text
                self.data = data
        else:
            for name, value in values.items():
                if value is not None and not self.initial.get(name):
                    self.initial[name] = str(value)
        return values

    def _place_unit_fields(self) -> None:
        if self.unit_insert_before is None:
            return
        order = [n for n in self.fields if n not in self.unit_level_names]
        at = order.index(self.unit_insert_before)
        order[at:at] = self.unit_level_names
        self.order_fields(order)  # type: ignore[attr-defined]

    @property
    def unit_level_fields(self) -> list[Any]:
        return [self[name] for name in self.unit_level_names]  # type: ignore[index]

    def chosen_unit(self) -> AdministrativeUnit | None:
        for name in reversed(self.unit_level_names):
            pk = _int(self.cleaned_data.get(name))
            if pk:
                return unit_directory.directory().get(pk)
        return None


def _offered(choices: list[tuple[str, str]], value: int) -> bool:
    return any(key == str(value) for key, _label in choices)


def refresh_requested(data: Any) -> bool:
    """The no-JavaScript "next level" round trip (the button is named ``refresh``)."""
    return REFRESH in data
