from tests.test_permission_matrix import Url

# Public pages and open data: everyone, signed in or not.
URLS = {
    "dashboard:home": Url(),
    "dashboard:unit": Url(kwargs={"code": "405"}),
    "dashboard:language": Url(ok=302),
    "dashboard:places": Url(),
    "dashboard-api:series": Url(),
    "dashboard-api:series-csv": Url(),
    "dashboard-api:units": Url(),
    "dashboard-api:units-csv": Url(),
    "dashboard-api:unit": Url(kwargs={"code": "405"}),
    "dashboard-api:unit-csv": Url(kwargs={"code": "405"}),
    "dashboard-api:health": Url(),
    "dashboard-api:health-csv": Url(kwargs={"section": "cases"}),
}


def objects(world):
    from dashboard.services import snapshot_refresh
    from tests.actors import SYSTEM

    snapshot_refresh(actor=SYSTEM)
    return {}
