"""Where to go (issue 21, point 2): the sampling sites open to the public and the vaccination
sessions that still have room, by reporting unit, with their address and hours. Places and
sessions, no person: not suppressed. Read at each refresh (the places left are those of that
moment; the booking page counts again)."""

import datetime
from typing import Any

from core import selectors as core_selectors


def collect(today: datetime.date) -> dict[str, Any]:
    from testing import selectors as testing_selectors
    from vaccination import selectors as vaccination_selectors

    mapping = core_selectors.reporting_unit_map()
    units: dict[int, dict[str, Any]] = {
        u.pk: {"code": u.code, "name": u.name, "testing": [], "sessions": []}
        for u in core_selectors.reporting_units()
    }
    for site in testing_selectors.sites_open_to_public():
        unit = units.get(mapping.get(site.unit_id, -1))
        if unit is not None:
            unit["testing"].append(
                {
                    "name": site.name,
                    "place": site.unit.name,
                    "address": site.address,
                    "hours": site.hours,
                }
            )
    for session in vaccination_selectors.sessions_open_for_booking(today=today)[:2000]:
        unit = units.get(mapping.get(session.site.unit_id, -1))
        if unit is not None:
            unit["sessions"].append(
                {
                    "site": session.site.name,
                    "place": session.site.unit.name,
                    "address": session.site.address_line,
                    "date": session.date.isoformat(),
                    "starts": session.starts_at.strftime("%H:%M"),
                    "ends": session.ends_at.strftime("%H:%M"),
                    "vaccine": session.vaccine.name,
                    "left": session.places_left,
                }
            )
    listed = [u for u in units.values() if u["testing"] or u["sessions"]]
    for unit in listed:
        unit["testing"].sort(key=lambda s: (s["place"], s["name"]))
    return {"units": sorted(listed, key=lambda u: u["code"])}
