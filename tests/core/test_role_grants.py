"""Nobody grants themselves a role; a role reading personal data is granted by another official,
audited and notified (issue 15, point 3)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import services
from core.models import AuditLog, OutboundMessage
from core.roles import Role, personal_data_roles


def _snapshot(user) -> tuple:
    user.refresh_from_db()
    return (
        sorted(user.groups.values_list("name", flat=True)),
        user.is_staff,
        AuditLog.objects.filter(action__startswith="user.").count(),
        OutboundMessage.objects.count(),
    )


def test_roles_reading_personal_data_are_derived_from_capabilities():
    roles = personal_data_roles()
    assert {Role.EPIDEMIOLOGIST, Role.LAB_STAFF, Role.VACCINATION_STAFF} <= roles
    assert Role.CHECKPOINT_OPERATOR not in roles and Role.TASKFORCE_MEMBER not in roles


def test_service_refuses_a_self_grant_and_changes_nothing(make_user):
    secretariat = make_user(Role.SECRETARIAT, province_wide=True)
    before = _snapshot(secretariat)
    with pytest.raises(PermissionDenied):
        services.user_roles_set(
            actor=secretariat, user=secretariat, roles=[Role.SECRETARIAT, Role.EPIDEMIOLOGIST]
        )
    with pytest.raises(PermissionDenied):
        services.user_save(actor=secretariat, user=secretariat, created=False, changed=["groups"])
    assert _snapshot(secretariat) == before


def test_grant_by_another_official_is_audited_and_notified(make_user, django_capture_on_commit_callbacks):
    secretariat = make_user(Role.SECRETARIAT, province_wide=True)
    officer = make_user(Role.DISTRICT_OFFICIAL, province_wide=True)
    officer.email = "officer@example.vn"
    officer.save()
    services.user_roles_set(
        actor=secretariat, user=officer, roles=[Role.DISTRICT_OFFICIAL, Role.EPIDEMIOLOGIST]
    )
    assert set(officer.groups.values_list("name", flat=True)) == {Role.DISTRICT_OFFICIAL, Role.EPIDEMIOLOGIST}
    grant = AuditLog.objects.filter(action="user.roles_set", actor=secretariat).get()
    assert grant.details["granted"] == [Role.EPIDEMIOLOGIST] and grant.details["notified"] is True
    message = OutboundMessage.objects.get(purpose="role.grant")
    assert message.recipient == "officer@example.vn" and secretariat.username in message.body
    # Setting the same roles again grants nothing new: no second notice.
    services.user_roles_set(
        actor=secretariat, user=officer, roles=[Role.DISTRICT_OFFICIAL, Role.EPIDEMIOLOGIST]
    )
    assert OutboundMessage.objects.filter(purpose="role.grant").count() == 1


def _admin_post(client, actor, target, roles):
    client.force_login(actor)
    groups = [Group.objects.get_or_create(name=r)[0].pk for r in roles]
    return client.post(
        reverse("admin:auth_user_change", args=[target.pk]),
        {
            "username": target.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "groups": groups,
        },
    )


def test_admin_refuses_editing_ones_own_groups_with_a_message(client, make_user):
    secretariat = make_user(Role.SECRETARIAT, province_wide=True)
    before = _snapshot(secretariat)
    response = _admin_post(client, secretariat, secretariat, [Role.SECRETARIAT, Role.EPIDEMIOLOGIST])
    assert response.status_code == 200
    assert "Bạn không thể tự thay đổi vai trò của chính mình" in response.content.decode()
    assert _snapshot(secretariat) == before


def test_admin_grant_by_another_goes_through_the_service(client, make_user):
    secretariat = make_user(Role.SECRETARIAT, province_wide=True)
    officer = make_user(Role.DISTRICT_OFFICIAL, province_wide=True)
    response = _admin_post(client, secretariat, officer, [Role.DISTRICT_OFFICIAL, Role.EPIDEMIOLOGIST])
    assert response.status_code == 302
    assert Role.EPIDEMIOLOGIST in officer.groups.values_list("name", flat=True)
    grant = AuditLog.objects.filter(action="user.roles_set", actor=secretariat).get()
    assert grant.details["granted"] == [Role.EPIDEMIOLOGIST]
