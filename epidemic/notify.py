"""Who hears about a change of a unit's declared level: the district officials whose scope
covers the unit (or a unit above it), and the province-wide officials holding
``epidemic.view`` (emails of active accounts)."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from core.models import AdministrativeUnit, UserScope
from core.roles import Role, role_capabilities
from epidemic.capabilities import EpidemicCap


def recipients(unit: AdministrativeUnit) -> list[str]:
    ancestors = []
    node: AdministrativeUnit | None = unit
    while node is not None:
        ancestors.append(node.pk)
        node = node.parent
    viewers = [role for role, caps in role_capabilities().items() if EpidemicCap.VIEW in caps]
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__name=Role.DISTRICT_OFFICIAL, scope__in=UserScope.objects.filter(units__in=ancestors))
            | Q(groups__name__in=viewers, scope__province_wide=True)
        )
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))
