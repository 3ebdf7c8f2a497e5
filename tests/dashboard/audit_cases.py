"""Audit cases of the dashboard services (tests/core/test_audit.py runs them)."""

from dashboard import services
from tests.actors import SYSTEM

SERVICE_CASES = {
    "dashboard.services.snapshot_refresh": lambda ctx: lambda: services.snapshot_refresh(actor=SYSTEM),
}
