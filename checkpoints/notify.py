"""Who hears about a flagged check-in: the checkpoint's operators and the district officials
whose scope covers it (emails of active accounts)."""

from collections.abc import Sequence

from django.contrib.auth import get_user_model

from checkpoints.models import CheckIn, Checkpoint
from core.models import AdministrativeUnit, UserScope
from core.recovery import enqueue_on_commit
from core.roles import Role


def alert_recipients(checkpoint: Checkpoint) -> list[str]:
    emails = set(
        checkpoint.operators.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )
    unit: AdministrativeUnit | None = checkpoint.unit
    ancestors = []
    while unit is not None:
        ancestors.append(unit.pk)
        unit = unit.parent
    officials = (
        get_user_model()
        .objects.filter(
            groups__name=Role.DISTRICT_OFFICIAL,
            is_active=True,
            scope__in=UserScope.objects.filter(units__in=ancestors),
        )
        .exclude(email="")
    )
    emails |= set(officials.values_list("email", flat=True))
    return sorted(emails)


def alert_if_flagged(checkins: Sequence[CheckIn]) -> None:
    """A stored submission with declared symptoms or exposure alerts, once committed (whichever
    path wrote it: ``services.checkin_create`` or ``express``)."""
    if any(c.is_flagged for c in checkins):
        from checkpoints.tasks import alert_flagged

        enqueue_on_commit(alert_flagged, checkins[0].pk)
