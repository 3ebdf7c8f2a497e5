"""The permission matrix: every page and endpoint × every role.

Generated from the URL resolver and the admin registry: a new URL or admin model without an
entry here fails ``test_matrix_covers_every_url`` / ``test_matrix_covers_every_admin_model``.
For each role it checks the status code, and that a denied write changed nothing.

Each app adds its rows in ``tests/<app>/permissions.py``: ``URLS`` (name -> Url),
``ADMIN`` (model label -> rights) and ``objects(world) -> {model label: sample object}``.
"""

import importlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import services
from core.models import AdministrativeUnit, AuditLog, DuplicateCandidate, OutboundMessage, Person, UserScope
from core.roles import Role
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, person_data

ANON = "anonymous"
SUPER = "superuser"
ROLES = [ANON, SUPER, *Role.values]
# Not admin users: the checkpoint operator, and the data-protection officer (privacy pages only).
NON_STAFF = {ANON, Role.CHECKPOINT_OPERATOR, Role.DATA_PROTECTION_OFFICER}
ALL = set(ROLES)


@dataclass
class Url:
    method: str = "get"
    allowed: set[str] = field(default_factory=lambda: set(ALL))  # roles that get ``ok``
    ok: int = 200
    denied: int = 403  # a signed-in official without the right
    anon_denied: int = 302  # anonymous users are sent to the login page
    # dict, or a callable taking the sample objects ({model label: obj}) and returning a dict
    kwargs: Any = field(default_factory=dict)
    data: dict = field(default_factory=dict)


SIGNED_IN = ALL - {ANON}

URL_MATRIX: dict[str, Url] = {
    "healthz": Url(),
    "readyz": Url(),
    "core:home": Url(),
    "core:portal-home": Url(allowed=SIGNED_IN),
    "core:retention": Url(allowed=SIGNED_IN),
    "login": Url(),
    # A verified session has nothing to do on the second-factor pages: back to where it goes.
    # (Unverified sessions: test_unverified_sessions_are_held_at_the_second_factor below.)
    "otp-verify": Url(ok=302),
    "otp-enrol": Url(ok=302),
    "otp-recovery-codes": Url(ok=302),
    "core:login-unlock": Url(allowed={SUPER, Role.SECRETARIAT}),
    "logout": Url(method="post", ok=302),
    "set_language": Url(method="post", ok=302, data={"language": "en", "next": "/"}),
    "api-schema": Url(),
    "api-docs": Url(),
    "core-api:unit-children": Url(),
    "core-api:organization-list": Url(allowed=SIGNED_IN, anon_denied=403),
}

STAFF = {
    SUPER,
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.SECRETARIAT,
    Role.CHAIRMAN,
    Role.DISTRICT_OFFICIAL,
    Role.AGENCY_OFFICER,
    Role.EPIDEMIOLOGIST,
    Role.LAB_STAFF,
    Role.VACCINATION_STAFF,
}
LEADERSHIP = {SUPER, Role.TASKFORCE_LEADER, Role.TASKFORCE_DEPUTY, Role.SECRETARIAT}

# model label -> roles that may view / add / change in the admin
ADMIN_MATRIX: dict[str, dict[str, set[str]]] = {
    "core.administrativeunit": {
        "view": STAFF,
        "add": set(),
        "change": LEADERSHIP | {Role.DISTRICT_OFFICIAL},
    },
    "core.organization": {
        "view": STAFF - {Role.LAB_STAFF, Role.VACCINATION_STAFF},
        "add": LEADERSHIP,
        "change": LEADERSHIP,
    },
    "core.person": {
        "view": {SUPER, Role.DISTRICT_OFFICIAL, Role.EPIDEMIOLOGIST, Role.LAB_STAFF, Role.VACCINATION_STAFF},
        "add": {SUPER, Role.EPIDEMIOLOGIST, Role.LAB_STAFF, Role.VACCINATION_STAFF},
        "change": {SUPER, Role.EPIDEMIOLOGIST, Role.LAB_STAFF, Role.VACCINATION_STAFF},
    },
    "core.duplicatecandidate": {"view": {SUPER, Role.EPIDEMIOLOGIST}, "add": set(), "change": set()},
    "core.auditlog": {"view": LEADERSHIP, "add": set(), "change": set()},
    "core.outboundmessage": {
        "view": {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT},
        "add": set(),
        "change": set(),
    },
    "core.userscope": {
        "view": {SUPER, Role.SECRETARIAT},
        "add": {SUPER, Role.SECRETARIAT},
        "change": {SUPER, Role.SECRETARIAT},
    },
    # Integration keys: viewed and created by those who manage accounts; never edited (revoked).
    "core.apitoken": {"view": {SUPER, Role.SECRETARIAT}, "add": {SUPER, Role.SECRETARIAT}, "change": set()},
    "auth.user": {
        "view": {SUPER, Role.SECRETARIAT},
        "add": {SUPER, Role.SECRETARIAT},
        "change": {SUPER, Role.SECRETARIAT},
    },
}


APPS = [
    "taskforce",
    "checkpoints",
    "declarations",
    "testing",
    "vaccination",
    "reports",
    "certificates",
    "epidemic",
    "dashboard",
    "privacy",
]
APP_MODULES = []
for _app in APPS:
    try:
        APP_MODULES.append(importlib.import_module(f"tests.{_app}.permissions"))
    except ModuleNotFoundError:
        continue
for _module in APP_MODULES:
    URL_MATRIX.update(getattr(_module, "URLS", {}))
    ADMIN_MATRIX.update(getattr(_module, "ADMIN", {}))


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # covered by ADMIN_MATRIX
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{prefix}{p.name}" if p.name else f"<unnamed {p.pattern}>"


def test_matrix_covers_every_url():
    names = set(_walk(get_resolver().url_patterns))
    names = {n for n in names if not n.startswith(("media", "<unnamed ^media"))}
    assert names == set(URL_MATRIX), (
        f"missing: {sorted(names - set(URL_MATRIX))}; stale: {sorted(set(URL_MATRIX) - names)}"
    )


def test_matrix_covers_every_admin_model():
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_MATRIX), f"missing: {sorted(registered - set(ADMIN_MATRIX))}"


@pytest.fixture
def world(db, make_user, dong_son):
    users = {ANON: None, SUPER: make_user(superuser=True)}
    for role in Role.values:
        if role == Role.DISTRICT_OFFICIAL:
            users[role] = make_user(role, units=[dong_son])
        else:
            users[role] = make_user(role, province_wide=True)
    person = services.person_create(actor=SYSTEM, data=person_data(address_unit=first_ward("405")))
    other = services.person_create(
        actor=SYSTEM, data=person_data(id_number="", phone="0900000001", address_unit=first_ward("405"))
    )
    DuplicateCandidate.objects.get_or_create(person=other, other=person, defaults={"reason": "test"})
    OutboundMessage.objects.create(channel="email", recipient="x@example.invalid", body="x", purpose="t")
    org = services.organization_create(
        actor=SYSTEM, name="UBND huyện Đông Sơn", kind="committee", unit=dong_son
    )
    objects = {
        "core.administrativeunit": dong_son,
        "core.organization": org,
        "core.person": person,
        "core.duplicatecandidate": DuplicateCandidate.objects.first(),
        "core.auditlog": AuditLog.objects.first(),
        "core.outboundmessage": OutboundMessage.objects.get(),
        "core.userscope": UserScope.objects.first(),
        "auth.user": get_user_model().objects.filter(is_superuser=False).first(),
        "core.apitoken": services.api_token_create(
            actor=SYSTEM, organization=org, name="LIS", scopes=["readonly"]
        )[0],
    }
    world = {"users": users, "dong_son": dong_son, "person": person, "organization": org}
    for module in APP_MODULES:
        if hasattr(module, "objects"):
            objects.update(module.objects(world))
    return users, objects


def _client_for(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _snapshot():
    return (
        AuditLog.objects.count(),
        Person.objects.count(),
        AdministrativeUnit.objects.filter(population_total__isnull=False).count(),
        UserScope.objects.count(),
        get_user_model().objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_urls(role, client, world):
    users, _objects = world
    for name, spec in URL_MATRIX.items():
        c = _client_for(client, users[role])
        kwargs = spec.kwargs(_objects) if callable(spec.kwargs) else spec.kwargs
        url = reverse(name, kwargs=kwargs)
        response = getattr(c, spec.method)(url, spec.data)
        expected = spec.ok if role in spec.allowed else spec.anon_denied if role == ANON else spec.denied
        assert response.status_code == expected, (
            f"{role} {spec.method.upper()} {name}: {response.status_code}"
        )


@pytest.mark.parametrize("role", ROLES)
def test_admin(role, client, world):
    users, objects = world
    c = _client_for(client, users[role])
    index = c.get(reverse("admin:index"))
    assert index.status_code == (302 if role in NON_STAFF else 200), f"{role} admin index"
    for label, rights in ADMIN_MATRIX.items():
        app_label, model_name = label.split(".")
        obj = objects[label]

        def expect(right: str, rights: dict[str, set[str]] = rights) -> int:
            if role in NON_STAFF:
                return 302
            return 200 if role in rights[right] else 403

        changelist = c.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
        assert changelist.status_code == expect("view"), f"{role} view {label}: {changelist.status_code}"

        # Adding: a denied POST must change nothing at all.
        before = _snapshot()
        added = c.post(reverse(f"admin:{app_label}_{model_name}_add"), {})
        if role in NON_STAFF or role not in rights["add"]:
            assert added.status_code == (302 if role in NON_STAFF else 403), f"{role} add {label}"
            assert _snapshot() == before, f"{role} add {label} changed data"

        # Changing: a denied POST leaves the object as it was.
        if role in NON_STAFF or role not in rights["change"]:
            state = model_to_dict(type(obj)._base_manager.get(pk=obj.pk))
            before = _snapshot()
            response = c.post(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]), {})
            if role in NON_STAFF:
                assert response.status_code == 302
            elif role in rights["view"]:
                # Django shows the read-only page on POST too; nothing is saved.
                assert response.status_code in (200, 403), f"{role} change {label}: {response.status_code}"
            else:
                assert response.status_code in (403, 302), f"{role} change {label}: {response.status_code}"
            assert model_to_dict(type(obj)._base_manager.get(pk=obj.pk)) == state, f"{role} changed {label}"
            assert _snapshot()[1:] == before[1:], f"{role} change {label} changed data"


@pytest.mark.parametrize("role", [SUPER, *Role.values])
def test_unverified_sessions_are_held_at_the_second_factor(role, world):
    """A session opened by the password alone (``django.test.Client.force_login``, no code) of an
    official who needs a second factor reaches no page, admin page or API endpoint: pages and the
    admin send it to the code page, the API answers 403, and nothing is written. Roles that need
    no second factor are answered as in ``test_urls``."""
    from django.test import Client

    from core.twofactor import OPEN_URL_NAMES, requires_two_factor

    users, objects = world
    user = users[role]
    held = requires_two_factor(user)
    client = Client()
    before = _snapshot()
    for name, spec in URL_MATRIX.items():
        if name in OPEN_URL_NAMES:
            continue
        client.logout()
        client.force_login(user)
        kwargs = spec.kwargs(objects) if callable(spec.kwargs) else spec.kwargs
        url = reverse(name, kwargs=kwargs)
        response = getattr(client, spec.method)(url, spec.data)
        if not held:
            expected = spec.ok if role in spec.allowed else spec.denied
            assert response.status_code == expected, f"{role} {name}: {response.status_code}"
        elif url.startswith("/api/"):
            assert response.status_code == 403, f"{role} {name}: {response.status_code}"
            assert "xác thực hai bước" in response.json()["detail"]
        else:
            assert response.status_code == 302, f"{role} {name}: {response.status_code}"
            assert response["Location"].startswith("/accounts/xac-thuc/?next="), f"{role} {name}"
    if held:
        assert _snapshot()[1:] == before[1:], f"{role}: an unverified session changed data"
    client.force_login(user)
    admin_index = client.get(reverse("admin:index"))
    if held:
        assert admin_index["Location"].startswith("/accounts/xac-thuc/?next=%2Fadmin%2F")
    else:
        assert admin_index.status_code == (302 if role in NON_STAFF else 200)
