"""Audit cases of the epidemic-level services (tests/core/test_audit.py runs them)."""

import datetime
import json

from epidemic import services
from tests.actors import SYSTEM

DAY = datetime.date(2026, 11, 16)
SQUARE = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [[[105.7, 19.7], [105.8, 19.7], [105.8, 19.8], [105.7, 19.8], [105.7, 19.7]]],
    }
).encode()


def _declared(ctx):
    return services.level_declare(
        actor=SYSTEM,
        unit=ctx["dong_son"],
        level=2,
        decision_number="1/QĐ",
        decision_date=DAY,
        effective_from=DAY,
    )


SERVICE_CASES = {
    "epidemic.services.rules_set": lambda ctx: lambda: services.rules_set(actor=SYSTEM, effective_from=DAY),
    "epidemic.services.capacity_record": lambda ctx: (
        lambda: services.capacity_record(actor=SYSTEM, unit=ctx["dong_son"], week_start=DAY, beds=10)
    ),
    "epidemic.services.levels_compute": lambda ctx: (
        lambda: services.levels_compute(actor=SYSTEM, week_start=DAY)
    ),
    "epidemic.services.level_declare": lambda ctx: lambda: _declared(ctx),
    "epidemic.services.level_change_mark": lambda ctx: (
        lambda declared: lambda: services.level_change_mark(declared_id=declared.pk)
    )(_declared(ctx)),
    "epidemic.services.boundary_upload": lambda ctx: (
        lambda: services.boundary_upload(actor=SYSTEM, unit=ctx["dong_son"], content=SQUARE)
    ),
}
