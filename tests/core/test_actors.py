"""Who acts: the system is a named actor, a missing actor is refused (core.actors)."""

import pytest
import tablib
from django.core.exceptions import PermissionDenied
from django.db import transaction

from checkpoints.capabilities import CheckpointCap
from core import services
from core.actors import ActorMissing, SystemActor, Visitor
from core.admin import OrganizationResource, PopulationResource
from core.audit import audit
from core.capabilities import Cap
from core.models import AdministrativeUnit, AuditLog, Organization
from core.roles import Role, require_capability

pytestmark = pytest.mark.django_db


def test_a_missing_actor_is_refused_not_let_through():
    with pytest.raises(ActorMissing):
        require_capability(None, Cap.EDIT_ORGANIZATIONS)


def test_the_system_passes_and_visitors_hold_no_capability():
    require_capability(SystemActor("command:test"), Cap.EDIT_ORGANIZATIONS)
    with pytest.raises(PermissionDenied):
        require_capability(Visitor("checkin_page"), CheckpointCap.OPERATE_CHECKPOINTS)


def test_users_are_checked_for_the_capability(make_user):
    operator = make_user(Role.CHECKPOINT_OPERATOR)
    require_capability(operator, CheckpointCap.OPERATE_CHECKPOINTS)
    with pytest.raises(PermissionDenied):
        require_capability(operator, Cap.EDIT_ORGANIZATIONS)


def test_a_system_actor_must_be_named():
    with pytest.raises(ValueError):
        SystemActor("")


def test_a_service_called_without_an_actor_writes_nothing(dong_son):
    before = (Organization.objects.count(), AuditLog.objects.count())
    with pytest.raises(ActorMissing):
        services.organization_create(
            actor=None,  # type: ignore[arg-type]
            name="Sở X",
            kind="department",
            unit=dong_son,
        )
    assert (Organization.objects.count(), AuditLog.objects.count()) == before


def test_admin_organization_import_without_a_user_is_refused(dong_son):
    data = tablib.Dataset(headers=["name", "kind", "unit_code"])
    data.append(["Trạm Y tế xã Đông Hòa", "hospital", "405"])
    result = OrganizationResource().import_data(data, dry_run=False, use_transactions=True)
    assert result.has_errors()
    assert not Organization.objects.filter(name="Trạm Y tế xã Đông Hòa").exists()


def test_admin_population_import_without_a_user_is_refused(dong_son):
    data = tablib.Dataset(
        headers=[
            "scheme",
            "level",
            "code",
            "population_total",
            "population_18_plus",
            "population_50_plus",
            "population_65_plus",
            "population_is_demo",
            "population_source",
        ]
    )
    data.append(["2021", "district", "405", 80000, 60000, 20000, 7000, 0, "Cục Thống kê 2021"])
    result = PopulationResource().import_data(data, dry_run=False, use_transactions=True)
    assert result.has_errors()
    assert AdministrativeUnit.objects.get(pk=dong_son.pk).population_total is None


def test_the_system_is_named_in_its_audit_row(dong_son):
    org = services.organization_create(
        actor=SystemActor("command:load_orgs"), name="Sở X", kind="department", unit=dong_son
    )
    row = AuditLog.objects.get(action="organization.create", target_id=str(org.pk))
    assert row.actor_id is None
    assert row.details["actor"] == "system:command:load_orgs"


def test_a_visitor_row_has_no_actor_and_no_system_name():
    with transaction.atomic():
        row = audit(actor=Visitor("checkin_page"), action="x.test", target="core.person")
    assert row.actor_id is None and "actor" not in row.details


def test_audit_refuses_a_missing_actor():
    with transaction.atomic(), pytest.raises(ActorMissing):
        audit(actor=None, action="x.test", target="core.person")


def test_a_celery_task_names_itself():
    from core.tasks import purge_orphan_people

    purge_orphan_people()
    row = AuditLog.objects.filter(action="person.purge").latest("id")
    assert row.actor_id is None and row.details["actor"] == "system:celery:purge_orphan_people"
