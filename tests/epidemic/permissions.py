"""Permission-matrix rows of the epidemic-level pages."""

from core.roles import Role
from tests.test_permission_matrix import SUPER, Url

VIEWERS = {
    SUPER,
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.CHAIRMAN,
    Role.SECRETARIAT,
    Role.DISTRICT_OFFICIAL,
    Role.EPIDEMIOLOGIST,
}
COMPUTE = {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT, Role.EPIDEMIOLOGIST}

URLS = {
    "epidemic:overview": Url(allowed=VIEWERS),
    "epidemic:unit": Url(allowed=VIEWERS, kwargs=lambda o: {"pk": o["epidemic.unit"].pk}),
    "epidemic:rules": Url(allowed=VIEWERS),
    "epidemic:compute": Url(method="post", ok=302, allowed=COMPUTE),
}


def objects(world):
    return {"epidemic.unit": world["dong_son"]}
