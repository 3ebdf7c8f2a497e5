"""Two-factor login through the real login form: who needs it, enrolment on first login, the code,
recovery codes, wrong and replayed codes, the operators' exemption, the demo helpers.

These tests use a plain ``django.test.Client`` (never the ``client`` fixture, whose
``force_login`` verifies the session): every session here is opened by the password form."""

import re
import uuid
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core import ratelimit, services
from core.models import AuditLog
from core.roles import Role
from core.twofactor import requires_two_factor, totp_now, two_factor_roles
from tests.actors import SYSTEM
from tests.browser import current_code

pytestmark = pytest.mark.django_db

NEEDS = {
    Role.SECRETARIAT,  # grants roles (scopes.manage), approves checkpoints
    Role.DISTRICT_OFFICIAL,  # reads personal data, approves checkpoints
    Role.EPIDEMIOLOGIST,  # reads personal data, traces contacts
    Role.LAB_STAFF,  # reads personal data, issues certificates
    Role.VACCINATION_STAFF,
    Role.CHECKPOINT_OPERATOR,  # masked data only: required unless exempted by the setting
    Role.DATA_PROTECTION_OFFICER,  # reads who read whose data, exports a person's data
}


def fresh_client() -> Client:
    # Each test its own address: the per-address throttle never carries between tests.
    return Client(
        REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    )


def password_login(client: Client, user, next_url: str = "/portal/"):
    return client.post("/accounts/login/", {"username": user.username, "password": "pw", "next": next_url})


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    return services.twofactor_enrol(actor=SYSTEM, user=user, key=default_key(), token=None)


def test_who_needs_a_second_factor_is_derived_from_the_capability_table(make_user):
    assert two_factor_roles() == {str(role) for role in NEEDS}
    assert requires_two_factor(make_user(superuser=True))
    for role in Role.values:
        assert requires_two_factor(make_user(role, province_wide=True)) == (role in NEEDS), role
    with override_settings(TWO_FACTOR_EXEMPT_CHECKPOINT_OPERATORS=True):
        assert not requires_two_factor(make_user(Role.CHECKPOINT_OPERATOR, province_wide=True))


def test_first_login_enrols_with_a_qr_code_and_shows_recovery_codes_once(make_user):
    user = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client = fresh_client()
    response = password_login(client, user, "/portal/luu-tru-du-lieu/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/xac-thuc/")
    # Before any code: pages, the admin and the API are closed to this session.
    assert client.get("/portal/")["Location"].startswith("/accounts/xac-thuc/?next=")
    assert client.get("/admin/")["Location"].startswith("/accounts/xac-thuc/?next=")
    assert client.get("/api/v1/organizations/").status_code == 403
    # No authenticator yet: the code page sends to enrolment.
    to_enrol = client.get(response["Location"])
    assert to_enrol.status_code == 302 and to_enrol["Location"].startswith("/accounts/xac-thuc/dang-ky/")
    page = client.get(to_enrol["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "<script" not in html
    found = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html)
    assert found is not None
    secret = found.group(1).replace(" ", "")
    key = b32decode(secret).hex()
    assert client.session["twofactor_enrol_key"] == key
    # A wrong code: nothing is stored, the page says why.
    wrong = client.post(to_enrol["Location"], {"code": "000000" if totp_now(key) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Mã xác thực không đúng" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    # The right code: enrolled, verified, the recovery codes shown once.
    done = client.post(to_enrol["Location"], {"code": totp_now(key)})
    assert done.status_code == 302 and done["Location"] == "/accounts/xac-thuc/ma-du-phong/"
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert 'href="/portal/luu-tru-du-lieu/"' in codes_page
    assert client.get("/accounts/xac-thuc/ma-du-phong/").status_code == 302  # never shown again
    assert client.get("/portal/").status_code == 200
    assert client.get("/api/v1/organizations/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.key == key
    assert AuditLog.objects.filter(action="user.twofactor_enrol", target_id=str(user.pk)).count() == 1


def test_login_with_a_code_and_a_replayed_code_is_refused(make_user):
    user = make_user(Role.DISTRICT_OFFICIAL, province_wide=True)
    device, _codes = enrolled(user)
    client = fresh_client()
    step = password_login(client, user, "/portal/")
    assert step["Location"] == "/accounts/xac-thuc/?next=%2Fportal%2F"
    page = client.get(step["Location"])
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    code = current_code(device)
    ok = client.post("/accounts/xac-thuc/", {"code": code, "next": "/portal/"})
    assert ok.status_code == 302 and ok["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    assert client.get("/admin/").status_code == 200
    # The same code again, in a second session: refused (one use per code).
    other = fresh_client()
    password_login(other, user)
    again = other.post("/accounts/xac-thuc/", {"code": code, "next": "/portal/"})
    assert again.status_code == 200 and "Mã không đúng hoặc đã được dùng" in again.content.decode()
    assert other.get("/portal/").status_code == 302
    rows = AuditLog.objects.filter(action="user.twofactor_verify", target_id=str(user.pk)).order_by("id")
    assert [row.details["ok"] for row in rows] == [True, False]


def test_a_recovery_code_logs_in_once(make_user):
    user = make_user(Role.LAB_STAFF, province_wide=True)
    _device, codes = enrolled(user)
    client = fresh_client()
    password_login(client, user)
    ok = client.post("/accounts/xac-thuc/", {"code": codes[0].upper(), "next": "/portal/"}, follow=True)
    assert ok.redirect_chain[-1][0] == "/portal/"
    assert "còn 9 mã" in ok.content.decode()
    other = fresh_client()
    password_login(other, user)
    reused = other.post("/accounts/xac-thuc/", {"code": codes[0], "next": "/portal/"})
    assert reused.status_code == 200 and other.get("/portal/").status_code == 302
    row = AuditLog.objects.filter(action="user.twofactor_verify", details__ok=True).latest("id")
    assert row.details["method"] == "recovery" and row.details["recovery_left"] == 9


@override_settings(OTP_FAILURES_PER_ACCOUNT=5)
def test_wrong_codes_are_throttled(make_user):
    user = make_user(Role.SECRETARIAT, province_wide=True)
    # Wrong codes are counted per user id, and a rolled-back test's ids come back on SQLite: start
    # from no count (an earlier test of this process may have sent a wrong code for this id).
    ratelimit.login_clear(user_id=user.pk)
    device, _codes = enrolled(user)
    client = fresh_client()
    password_login(client, user)
    wrong = "123456" if current_code(device) != "123456" else "654321"
    for _i in range(5):
        assert "Mã không đúng" in client.post("/accounts/xac-thuc/", {"code": wrong}).content.decode()
    refused = client.post("/accounts/xac-thuc/", {"code": current_code(device)})
    assert refused.status_code == 200
    assert "Đã nhập sai quá nhiều lần" in refused.content.decode()
    assert client.get("/portal/").status_code == 302
    # The administrator's unlock lifts it.
    services.login_unlock(actor=SYSTEM, username=user.username)
    ok = client.post("/accounts/xac-thuc/", {"code": current_code(device), "next": "/portal/"})
    assert ok.status_code == 302 and client.get("/portal/").status_code == 200


def test_roles_without_personal_data_log_in_with_the_password_alone(make_user):
    user = make_user(Role.CHAIRMAN, province_wide=True)
    client = fresh_client()
    response = password_login(client, user, "/portal/")
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    # An account that enrolled anyway is asked for its code.
    enrolled(user)
    second = fresh_client()
    assert password_login(second, user)["Location"].startswith("/accounts/xac-thuc/")
    assert second.get("/portal/").status_code == 302


def test_checkpoint_operators_need_it_unless_exempted(make_user):
    user = make_user(Role.CHECKPOINT_OPERATOR, province_wide=True)
    assert password_login(fresh_client(), user)["Location"].startswith("/accounts/xac-thuc/")
    with override_settings(TWO_FACTOR_EXEMPT_CHECKPOINT_OPERATORS=True):
        client = fresh_client()
        assert password_login(client, user)["Location"] == "/portal/"
        assert client.get("/portal/").status_code == 200


def test_a_reset_makes_the_official_enrol_again(make_user):
    user = make_user(Role.VACCINATION_STAFF, province_wide=True)
    device, _codes = enrolled(user)
    client = fresh_client()
    password_login(client, user)
    client.post("/accounts/xac-thuc/", {"code": current_code(device)})
    assert client.get("/portal/").status_code == 200
    services.twofactor_reset(actor=SYSTEM, user=user)
    # The verified session's device is gone: the session is held again, then enrolment.
    held = client.get("/portal/")
    assert held.status_code == 302
    assert client.get(held["Location"])["Location"].startswith("/accounts/xac-thuc/dang-ky/")


def test_nobody_resets_or_uses_another_officials_factor(make_user):
    from django.core.exceptions import PermissionDenied

    secretariat = make_user(Role.SECRETARIAT, province_wide=True)
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    with pytest.raises(PermissionDenied):
        services.twofactor_reset(actor=secretariat, user=secretariat)
    with pytest.raises(PermissionDenied):
        services.twofactor_reset(actor=epi, user=secretariat)
    with pytest.raises(PermissionDenied):
        services.twofactor_enrol(actor=epi, user=secretariat, key=default_key(), token="123456")
    with pytest.raises(PermissionDenied):
        services.twofactor_verify(actor=epi, user=secretariat, token="123456")


def test_the_admin_logs_in_through_the_portal_login():
    response = Client().get("/admin/login/?next=/admin/core/person/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/core/person/"


@override_settings(DEBUG=True)
def test_totp_code_prints_the_current_code(make_user, capsys):
    user = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    device, _codes = enrolled(user)
    call_command("totp_code", user.username)
    assert capsys.readouterr().out.strip() == totp_now(device.key)


@override_settings(DEBUG=False)
def test_totp_code_refuses_without_debug(make_user):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("totp_code", make_user(Role.EPIDEMIOLOGIST).username)
