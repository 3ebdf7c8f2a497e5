"""API tokens for integrations (issue 15 point 8): created and shown once, hashed, revoked,
expiring, scoped to their organization and scopes, rate-limited, audited; the admin pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import path
from django.utils import timezone
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core import selectors, services
from core.actors import ApiClient
from core.audit import audit
from core.authentication import TOKEN_AUTHENTICATION, HasTokenScope
from core.capabilities import Cap
from core.models import ApiToken, AuditLog
from core.roles import Role, require_capability, user_can
from tests.actors import SYSTEM


class ReadApi(APIView):
    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [HasTokenScope("readonly", users_with=Cap.VIEW_UNITS)]

    def get(self, request):
        ids = selectors.organization_ids_in_scope(request.user)
        return Response({"organizations": sorted(ids) if ids is not None else None})


class WriteApi(APIView):
    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [HasTokenScope("testapp.samples:write")]

    def post(self, request):
        require_capability(request.user, "testapp.samples.record")
        with transaction.atomic():
            audit(actor=request.user, action="sample.create", target="testapp.sample", target_ids=[1])
        return Response({"ok": True}, status=201)


urlpatterns = [
    path("read/", ReadApi.as_view()),
    path("write/", WriteApi.as_view()),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def organization(dong_son):
    return services.organization_create(actor=SYSTEM, name="CDC Thanh Hóa", kind="department", unit=dong_son)


@pytest.fixture
def admin_user(make_user, province):
    return make_user(Role.SECRETARIAT, province_wide=True)


def bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_created_key_is_shown_once_and_stored_hashed(admin_user, organization):
    token, raw = services.api_token_create(
        actor=admin_user, organization=organization, name="LIS Bệnh viện", scopes=["readonly"]
    )
    assert raw.startswith(f"ptk_{token.prefix}_") and len(raw) > 50
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.token_hash, stored.prefix) and stored.token_hash != ""
    row = AuditLog.objects.get(action="apitoken.create")
    assert row.actor == admin_user and row.target_id == str(token.pk)
    assert raw not in str(row.details) and row.details["scopes"] == ["readonly"]
    # The key works; nothing afterwards gives it back.
    response = bearer(raw).get("/read/")
    assert response.status_code == 200 and response.json() == {"organizations": [organization.pk]}
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_a_wrong_or_malformed_key_is_401_with_a_clear_body(admin_user, organization):
    _token, raw = services.api_token_create(
        actor=admin_user, organization=organization, name="LIS", scopes=["readonly"]
    )
    for bad in (raw[:-2] + "xx", "ptk_00000000_abc", "nonsense", raw + " extra"):
        response = bearer(bad).get("/read/")
        assert response.status_code == 401, bad
        assert response.json()["detail"], bad
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert bearer(raw[:-2] + "xx").get("/read/").json() == {"detail": "Mã truy cập API không hợp lệ."}
    assert APIClient().get("/read/").status_code == 401  # no key, no session


def test_a_revoked_key_is_refused_at_once_and_audited(admin_user, organization):
    token, raw = services.api_token_create(
        actor=admin_user, organization=organization, name="LIS", scopes=["readonly"]
    )
    assert bearer(raw).get("/read/").status_code == 200
    services.api_token_revoke(actor=admin_user, token=token, reason="rời hệ thống")
    response = bearer(raw).get("/read/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Mã truy cập API đã bị thu hồi."}
    row = AuditLog.objects.get(action="apitoken.revoke")
    assert row.actor == admin_user and row.target_id == str(token.pk)


def test_an_expired_key_is_refused(admin_user, organization):
    token, raw = services.api_token_create(
        actor=admin_user,
        organization=organization,
        name="LIS",
        scopes=["readonly"],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    assert bearer(raw).get("/read/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = bearer(raw).get("/read/")
    assert response.status_code == 401 and response.json() == {"detail": "Mã truy cập API đã hết hạn."}
    with pytest.raises(ValidationError):
        services.api_token_create(
            actor=admin_user,
            organization=organization,
            name="LIS",
            scopes=["readonly"],
            expires_at=timezone.now() - datetime.timedelta(minutes=1),
        )


def test_out_of_scope_is_403_and_in_scope_writes_as_the_token(admin_user, organization):
    _t, readonly = services.api_token_create(
        actor=admin_user, organization=organization, name="Đọc", scopes=["readonly"]
    )
    before = AuditLog.objects.count()
    response = bearer(readonly).post("/write/", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Mã truy cập API không có phạm vi quyền này."}
    assert AuditLog.objects.count() == before

    token, writer = services.api_token_create(
        actor=admin_user, organization=organization, name="Ghi", scopes=["testapp.samples:write"]
    )
    assert bearer(writer).post("/write/", {}, format="json").status_code == 201
    row = AuditLog.objects.filter(action="sample.create").get()
    assert row.actor is None
    assert row.details == {"actor": f"token:{token.pk}", "organization": organization.pk}
    # The writer holds only its scope: no read endpoint, no capability it was not given.
    assert bearer(writer).get("/read/").status_code == 403


def test_a_token_holds_only_its_scopes_capabilities_and_its_organization(organization):
    client = ApiClient(token_id=1, organization_id=organization.pk, scopes=frozenset({"readonly"}))
    assert user_can(client, Cap.VIEW_UNITS)
    assert not user_can(client, Cap.VIEW_PEOPLE) and not user_can(client, "testapp.samples.record")
    with pytest.raises(PermissionDenied):
        require_capability(client, Cap.VIEW_PEOPLE)
    assert selectors.organization_ids_in_scope(client) == {organization.pk}
    assert selectors.unit_ids_in_scope(client) == set()
    assert list(selectors.organizations_visible_to(client)) == [organization]
    from core.actors import user_of

    assert user_of(client) is None


def test_the_rate_limit_answers_429(admin_user, organization):
    _t, raw = services.api_token_create(
        actor=admin_user, organization=organization, name="LIS", scopes=["readonly"], rate_per_minute=2
    )
    client = bearer(raw)
    assert [client.get("/read/").status_code for _ in range(3)] == [200, 200, 429]
    assert "detail" in client.get("/read/").json()


def test_session_users_pass_only_where_the_endpoint_allows_them(client, make_user, province):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    assert client.get("/read/").status_code == 200  # users_with=units.view
    assert client.post("/write/", {}).status_code == 403  # tokens only


def test_only_key_managers_create_and_revoke_within_their_scope(make_user, organization, sam_son):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=epi, organization=organization, name="X", scopes=["readonly"])
    elsewhere = make_user(Role.SECRETARIAT, units=[sam_son])  # the organization is in Đông Sơn
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=elsewhere, organization=organization, name="X", scopes=["readonly"])
    token, _raw = services.api_token_create(
        actor=SYSTEM, organization=organization, name="X", scopes=["readonly"]
    )
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=elsewhere, token=token)
    with pytest.raises(ValidationError):
        services.api_token_create(actor=SYSTEM, organization=organization, name="X", scopes=["root"])
    assert not AuditLog.objects.filter(action__startswith="apitoken.", actor__isnull=False).exists()


def test_undeclared_scope_on_an_endpoint_is_a_programming_error():
    with pytest.raises(ValueError):
        HasTokenScope("testing.results:wirte")


def test_schema_documents_the_bearer_scheme():
    schema = APIClient().get("/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ptk_<prefix>_<secret>",
        "description": "Mã truy cập API của hệ thống tích hợp / integration API token",
    }
    assert {"apiToken": []} in schema["paths"]["/write/"]["post"]["security"]


@pytest.mark.urls("config.urls")
def test_admin_creates_shows_once_and_revokes(client, admin_user, organization):
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/apitoken/add/",
        {
            "organization": organization.pk,
            "name": "LIS Bệnh viện",
            "scopes": ["readonly"],
            "rate_per_minute": "",
        },
    )
    assert response.status_code == 200, response.content[:3000]
    token = ApiToken.objects.get()
    assert token.rate_per_minute == 10_000  # the setting (tests raise it)
    raw = response.context["raw"]
    assert raw.startswith(f"ptk_{token.prefix}_") and raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert raw not in client.get("/admin/core/apitoken/").content.decode()
    assert raw not in client.get(f"/admin/core/apitoken/{token.pk}/change/").content.decode()
    assert bearer(raw).get("/api/v1/units/").status_code == 200  # public endpoint: token ignored
    response = client.post(
        "/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin_user
    assert AuditLog.objects.filter(action="apitoken.revoke", actor=admin_user).count() == 1


@pytest.mark.urls("config.urls")
def test_admin_refuses_a_role_without_the_right(client, make_user, organization):
    client.force_login(make_user(Role.EPIDEMIOLOGIST, province_wide=True))
    before = ApiToken.objects.count()
    response = client.post(
        "/admin/core/apitoken/add/", {"organization": organization.pk, "name": "X", "scopes": ["readonly"]}
    )
    assert response.status_code == 403 and ApiToken.objects.count() == before
