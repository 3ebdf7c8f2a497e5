"""The audit rule: every service writes exactly one audit row; the log is append-only."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django.conf import settings
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction
from django.utils import timezone

from core import services
from core.audit import audit
from core.keyrotation import Step
from core.models import AuditLog, DuplicateCandidate, Organization, OutboundMessage, Person
from core.roles import Role
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import give_admin_purpose, person_data

# Public functions of services modules that are not writes.
NOT_SERVICES = {
    "core.services.name_key",  # pure function
    "core.services.person_find_match",  # read used by services and imports
    "core.services.person_references",  # read of the model graph used by merge and purge
    "core.services.phone_hint",  # what the citizen check's page shows of the phone (pure)
    "core.services.people_resolve",  # a step of the import services; their batch row names the people created
}


def _person(ctx, **kw):
    return services.person_create(actor=SYSTEM, data=person_data(**kw))


def _case_units_load(ctx):
    services.units_load(
        actor=SYSTEM,
        scheme="2021",
        rows=[
            services.UnitRow(
                "38", "Tỉnh Thanh Hóa", "tỉnh", "99999", "Xã Mới", "xã", "405", "Huyện Đông Sơn", "huyện"
            )
        ],
    )


def _case_message_deliver(ctx):
    message = OutboundMessage.objects.create(
        channel="email", recipient="a@example.invalid", body="x", purpose="t"
    )
    return lambda: services.message_deliver(message_id=message.pk)


def _case_stalled_work_resume(ctx):
    OutboundMessage.objects.create(
        channel="email", recipient="a@example.invalid", body="x", purpose="t", status="sending"
    )  # claimed by a worker that died (no stamp)
    return lambda: services.stalled_work_resume(actor=SYSTEM)


def _prepare_merge(ctx):
    a = _person(ctx)
    b = _person(ctx, id_number="", phone="0900000009")
    return lambda: services.person_merge(actor=ctx["epi"], keep=a, duplicate=b, reason="test")


def _prepare_dismiss(ctx):
    a = _person(ctx)
    b = _person(ctx, id_number="", phone="0900000009")
    candidate = DuplicateCandidate.objects.create(person=a, other=b, reason="t")
    return lambda: services.duplicate_dismiss(actor=ctx["epi"], candidate=candidate, reason="x")


def _prepare_org_update(ctx):
    org = services.organization_create(actor=SYSTEM, name="A", kind="department", unit=ctx["province"])
    return lambda: services.organization_update(actor=SYSTEM, organization=org, short_name="B")


def _prepare_person_update(ctx):
    person = _person(ctx)
    return lambda: services.person_update(actor=SYSTEM, person=person, data=person_data(address_line="Mới"))


def _prepare_user(ctx):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="target")
    return user


def _org(ctx):
    return services.organization_create(
        actor=SYSTEM, name="Phòng xét nghiệm", kind="department", unit=ctx["dong_son"]
    )


def _prepare_token_revoke(ctx):
    token, _raw = services.api_token_create(
        actor=SYSTEM, organization=_org(ctx), name="LIS", scopes=["readonly"]
    )
    manager = ctx["make_user"](Role.SECRETARIAT, province_wide=True)
    return lambda: services.api_token_revoke(actor=manager, token=token)


def _prepare_citizen_check_start(ctx):
    # A person without a phone: one row (with a phone, the SMS adds the gateway's own
    # message.queue row: tests/core/test_citizen_check.py counts both).
    person = _person(ctx, phone="")
    return lambda: services.citizen_check_start(actor=VISITOR, person=person, purpose="test")


def _prepare_citizen_check_verify(ctx):
    person = _person(ctx)
    services.citizen_check_start(actor=VISITOR, person=person, purpose="test")
    return lambda: services.citizen_check_verify(actor=VISITOR, person=person, purpose="test", code="000000")


def _enrolled_user(ctx):
    from django_otp.plugins.otp_totp.models import default_key

    user = _prepare_user(ctx)
    services.twofactor_enrol(actor=SYSTEM, user=user, key=default_key(), token=None)
    return user


def _case_twofactor_verify(ctx):
    from django_otp.plugins.otp_static.models import StaticToken

    user = _enrolled_user(ctx)
    code = StaticToken.objects.filter(device__user=user).first().token
    return lambda: services.twofactor_verify(actor=SYSTEM, user=user, token=code)


# Each case does its setup and returns a callable that runs the service once.
SERVICE_CASES = {
    "core.services.twofactor_enrol": lambda ctx: (
        lambda user: lambda: services.twofactor_enrol(actor=SYSTEM, user=user, key="ab" * 20, token=None)
    )(_prepare_user(ctx)),
    "core.services.twofactor_verify": _case_twofactor_verify,
    "core.services.twofactor_reset": lambda ctx: (
        lambda user: lambda: services.twofactor_reset(actor=SYSTEM, user=user)
    )(_enrolled_user(ctx)),
    "core.services.login_unlock": lambda ctx: (
        lambda user: lambda: services.login_unlock(actor=SYSTEM, username=user.username, ip="10.1.2.3")
    )(_prepare_user(ctx)),
    "core.services.units_load": lambda ctx: lambda: _case_units_load(ctx),
    "core.services.unit_population_set": lambda ctx: (
        lambda: services.unit_population_set(
            actor=SYSTEM, unit=ctx["province"], total=10, age_18_plus=8, age_50_plus=3, age_65_plus=1
        )
    ),
    "core.services.organization_create": lambda ctx: (
        lambda: services.organization_create(
            actor=SYSTEM, name="Sở X", kind="department", unit=ctx["province"]
        )
    ),
    "core.services.organization_update": _prepare_org_update,
    "core.services.person_create": lambda ctx: lambda: _person(ctx),
    "core.services.person_resolve_for_visitor": lambda ctx: (
        lambda: services.person_resolve_for_visitor(data=person_data())
    ),
    "core.services.person_update": _prepare_person_update,
    "core.services.person_merge": _prepare_merge,
    "core.services.duplicate_dismiss": _prepare_dismiss,
    "core.services.user_scope_set": lambda ctx: (
        lambda user: lambda: services.user_scope_set(actor=SYSTEM, user=user, province_wide=True)
    )(_prepare_user(ctx)),
    "core.services.user_save": lambda ctx: (
        lambda user: lambda: services.user_save(actor=SYSTEM, user=user, created=False)
    )(_prepare_user(ctx)),
    "core.services.user_roles_set": lambda ctx: (
        lambda user: lambda: services.user_roles_set(actor=SYSTEM, user=user, roles=[Role.CHAIRMAN])
    )(_prepare_user(ctx)),
    "core.services.message_send": lambda ctx: (
        lambda: services.message_send(
            actor=SYSTEM, channel="email", recipient="a@example.invalid", body="x", purpose="test"
        )
    ),
    "core.services.message_deliver": _case_message_deliver,
    "core.services.api_token_create": lambda ctx: (
        lambda org: (
            lambda: services.api_token_create(actor=SYSTEM, organization=org, name="LIS", scopes=["readonly"])
        )
    )(_org(ctx)),
    "core.services.api_token_revoke": _prepare_token_revoke,
    "core.services.citizen_check_start": _prepare_citizen_check_start,
    "core.services.citizen_check_verify": _prepare_citizen_check_verify,
    "core.services.stalled_work_resume": _case_stalled_work_resume,
    "core.services.persons_purge_orphans": lambda ctx: lambda: services.persons_purge_orphans(actor=SYSTEM),
    "core.services.retention_purge": lambda ctx: (
        lambda: services.retention_purge(actor=SYSTEM, category="core.person")
    ),
    "core.services.rollups_fold": lambda ctx: lambda: services.rollups_fold(actor=SYSTEM),
    # Late in the day every daily job is due: they are claimed together, under one row.
    "core.services.daily_jobs_catch_up": lambda ctx: (
        lambda: services.daily_jobs_catch_up(
            actor=SYSTEM, now=timezone.localtime().replace(hour=23, minute=59)
        )
    ),
    "core.services.key_rotation_batch": lambda ctx: (
        lambda: services.key_rotation_batch(actor=SYSTEM, step=Step("rehash", "core.person"))
    ),
    "core.services.rollup_rebuild": lambda ctx: (
        lambda: services.rollup_rebuild(
            actor=SYSTEM, name="checkpoints.checkin_daily", since=datetime.date(2021, 1, 1)
        )
    ),
}


# Apps add their cases in ``tests/<app>/audit_cases.py``: SERVICE_CASES (and NOT_SERVICES).
for _app in (
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
):
    try:
        _module = importlib.import_module(f"tests.{_app}.audit_cases")
    except ModuleNotFoundError:
        continue
    SERVICE_CASES.update(_module.SERVICE_CASES)
    NOT_SERVICES.update(getattr(_module, "NOT_SERVICES", set()))


def discover_services() -> set[str]:
    found = set()
    for app in [
        "core",
        *[
            a
            for a in settings.INSTALLED_APPS
            if a
            in {
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
            }
        ],
    ]:
        try:
            module = importlib.import_module(f"{app}.services")
        except ModuleNotFoundError:
            continue
        # A package (split by entity) re-exports its modules' functions: read each module.
        modules = [module] + [
            importlib.import_module(f"{module.__name__}.{info.name}")
            for info in pkgutil.iter_modules(getattr(module, "__path__", []))
            if not info.name.startswith("_")
        ]
        for part in modules:
            for name, func in inspect.getmembers(part, inspect.isfunction):
                if func.__module__ == part.__name__ and not name.startswith("_"):
                    found.add(f"{module.__name__}.{name}")
    return found - NOT_SERVICES


def test_every_service_has_an_audit_case():
    missing = discover_services() - set(SERVICE_CASES)
    assert not missing, f"add these services to SERVICE_CASES: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(SERVICE_CASES))
def test_service_writes_exactly_one_audit_row(name, province, dong_son, make_user):
    # ctx: what a case may need; app cases may build more from ``make_user``.
    ctx = {
        "province": province,
        "dong_son": dong_son,
        "make_user": make_user,
        "epi": make_user(Role.EPIDEMIOLOGIST, province_wide=True),
    }
    run = SERVICE_CASES[name](ctx)
    before = AuditLog.objects.count()
    run()
    assert AuditLog.objects.count() - before == 1, f"{name} must write exactly one audit row"


@pytest.mark.django_db
def test_audit_rows_hold_ids_not_personal_values():
    person = services.person_create(actor=SYSTEM, data=person_data())
    row = AuditLog.objects.get(action="person.create")
    assert row.target_id == str(person.pk)
    text = f"{row.details} {row.reason} {row.target_ids}"
    for value in ("Nguyễn", "038085000001", "0912345678"):
        assert value not in text


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit(actor=SYSTEM, action="x", target="core.person")


@pytest.mark.django_db
def test_audit_log_is_append_only():
    with transaction.atomic():
        row = audit(actor=SYSTEM, action="x.test", target="core.person", target_ids=[1])
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(action="changed")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        row.delete()
    # Below the ORM, the database itself refuses an update.
    with (
        pytest.raises((IntegrityError, InternalError, OperationalError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditlog SET action = 'changed' WHERE id = %s", [row.pk])
    assert AuditLog.objects.get(pk=row.pk).action == "x.test"


@pytest.mark.django_db
def test_admin_reads_of_a_person_are_logged(client, make_user, province):
    person = services.person_create(actor=SYSTEM, data=person_data())
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    give_admin_purpose(client, "xác minh ca bệnh BN-17")
    response = client.get(f"/admin/core/person/{person.pk}/change/")
    assert response.status_code == 200
    row = AuditLog.objects.filter(action="person.read", actor=epi).latest("id")
    assert row.target_id == str(person.pk)
    assert row.reason == "admin: xác minh ca bệnh BN-17"


@pytest.mark.django_db
def test_person_created_through_admin_goes_through_the_service(client, make_user, province):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    response = client.post(
        "/admin/core/person/add/",
        {
            "full_name": "Phạm Thị Dung",
            "date_of_birth": "1990-01-02",
            "sex": "female",
            "nationality": "VN",
            "id_number": "038190000777",
            "phone": "0911111111",
            "address_line": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    person = Person.objects.get(name_key="pham thi dung")
    assert person.birth_year == 1990 and person.source == "official"
    assert AuditLog.objects.filter(action="person.create", actor=epi, target_id=str(person.pk)).count() == 1


@pytest.mark.django_db
def test_chairman_reads_but_cannot_write(client, make_user, province):
    chairman = make_user(Role.CHAIRMAN, province_wide=True)
    client.force_login(chairman)
    assert client.get("/admin/core/organization/").status_code == 200
    before = (Organization.objects.count(), AuditLog.objects.count())
    response = client.post(
        "/admin/core/organization/add/", {"name": "X", "kind": "department", "unit": province.pk}
    )
    assert response.status_code == 403
    assert (Organization.objects.count(), AuditLog.objects.count()) == before


def test_birth_date_in_future_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        person_data(date_of_birth=datetime.date(2100, 1, 1) + datetime.timedelta(days=2))
