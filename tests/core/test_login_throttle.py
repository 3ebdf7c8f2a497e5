"""Login throttling through the one limiter (core/ratelimit.py): per account, per address, the
administrator's unlock, and failing closed when the limiter's store is down.

Counts live in the limiter's store (Redis, or the cache in embedded mode) and outlive a test:
every test uses its own account names and addresses."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from core import ratelimit, services
from core.models import AuditLog
from core.roles import Role
from tests.actors import SYSTEM
from tests.checkpoints.test_ratelimit import closed_port_url

# The ceilings of production (the test settings raise them so no other test trips them).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("production_ceilings"),
]


@pytest.fixture
def production_ceilings(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_IP = 30
    settings.OTP_FAILURES_PER_ACCOUNT = 5


def address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250}"


def account(role: str = Role.CHAIRMAN):
    """An account that logs in with its password alone (so the login lands on the page)."""
    user = get_user_model()(username=f"t-{uuid.uuid4().hex[:12]}")
    user.set_password("pw")
    services.user_save(actor=SYSTEM, user=user, created=True)
    services.user_roles_set(actor=SYSTEM, user=user, roles=[role])
    return user


def attempt(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/portal/"})


def logged_in(client: Client) -> bool:
    return client.get("/portal/").status_code == 200


def test_100_wrong_passwords_then_the_right_one_does_not_log_in():
    user = account()
    client = Client(REMOTE_ADDR=address())
    for _i in range(100):
        assert attempt(client, user.username, "wrong-password").status_code == 200
    response = attempt(client, user.username, "pw")
    assert response.status_code == 200 and not logged_in(client)
    text = response.content.decode()
    assert (
        "Đã nhập sai quá nhiều lần. Vui lòng đợi 15 phút rồi thử lại, hoặc nhờ quản trị viên mở khóa" in text
    )
    # Another case of the name is the same account; another address does not help.
    assert not logged_in(c := Client(REMOTE_ADDR=address())) and attempt(c, user.username.upper(), "pw")
    assert not logged_in(c)


def test_the_account_locks_after_its_ceiling_and_not_before():
    user = account()
    client = Client(REMOTE_ADDR=address())
    for _i in range(4):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, "pw").status_code == 302 and logged_in(client)
    client.logout()
    attempt(client, user.username, "wrong-password")  # the fifth
    assert attempt(client, user.username, "pw").status_code == 200 and not logged_in(client)


@override_settings(LOGIN_FAILURES_PER_IP=3)
def test_an_address_locks_after_wrong_passwords_for_any_accounts():
    ip = address()
    client = Client(REMOTE_ADDR=ip)
    for _i in range(3):
        attempt(client, f"nobody-{uuid.uuid4().hex[:8]}", "wrong-password")
    user = account()
    refused = attempt(client, user.username, "pw")
    assert refused.status_code == 200 and "Đã nhập sai quá nhiều lần" in refused.content.decode()
    # The same account from another address logs in.
    elsewhere = Client(REMOTE_ADDR=address())
    assert attempt(elsewhere, user.username, "pw").status_code == 302 and logged_in(elsewhere)


@override_settings(LOGIN_FAILURES_PER_IP=3)
def test_an_administrator_unlocks_an_account_and_an_address(client, make_user):
    user = account()
    ip = address()
    locked = Client(REMOTE_ADDR=ip)
    for _i in range(5):
        attempt(locked, user.username, "wrong-password")
    assert attempt(locked, user.username, "pw").status_code == 200

    client.force_login(make_user(Role.SECRETARIAT, province_wide=True))
    page = client.get("/portal/mo-khoa-dang-nhap/")
    assert page.status_code == 200
    empty = client.post("/portal/mo-khoa-dang-nhap/", {})
    assert empty.status_code == 200 and "Nhập tên đăng nhập hoặc địa chỉ IP" in empty.content.decode()
    unknown = client.post("/portal/mo-khoa-dang-nhap/", {"username": "no-such-user"})
    assert "Không có tài khoản nào" in unknown.content.decode()
    done = client.post("/portal/mo-khoa-dang-nhap/", {"username": user.username.upper()})
    assert done.status_code == 302
    row = AuditLog.objects.filter(action="login.unlock").latest("id")
    assert row.details == {"user_id": user.pk, "ip": ""}
    # The account may log in again (its address still holds its own count, below 3? no: 5 > 3).
    assert attempt(locked, user.username, "pw").status_code == 200  # the address is locked too
    client.post("/portal/mo-khoa-dang-nhap/", {"ip": ip})
    assert AuditLog.objects.filter(action="login.unlock", details__ip=ip).exists()
    assert attempt(locked, user.username, "pw").status_code == 302 and logged_in(locked)


def test_only_account_managers_unlock(client, make_user):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    before = AuditLog.objects.count()
    assert client.post("/portal/mo-khoa-dang-nhap/", {"username": epi.username}).status_code == 403
    assert AuditLog.objects.count() == before


@pytest.fixture
def store_down():
    with override_settings(RATE_LIMIT_REDIS_URL=closed_port_url()):
        ratelimit._store = None
        yield
    ratelimit._store = None


def test_login_fails_closed_when_the_store_is_down(store_down):
    user = account()
    client = Client(REMOTE_ADDR=address())
    before = ratelimit.failures[ratelimit.LOGIN_FAILURES.scope]
    response = attempt(client, user.username, "pw")
    assert response.status_code == 503 and response["Retry-After"] == str(ratelimit.RETRY_AFTER)
    assert "Tạm thời chưa thể đăng nhập" in response.content.decode()
    assert not logged_in(client)
    assert ratelimit.failures[ratelimit.LOGIN_FAILURES.scope] == before + 1


def test_the_code_page_fails_closed_when_the_store_is_down(make_user):
    from django_otp.plugins.otp_totp.models import default_key

    from tests.browser import current_code

    user = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    device, _codes = services.twofactor_enrol(actor=SYSTEM, user=user, key=default_key(), token=None)
    client = Client(REMOTE_ADDR=address())
    assert attempt(client, user.username, "pw").status_code == 302
    with override_settings(RATE_LIMIT_REDIS_URL=closed_port_url()):
        ratelimit._store = None
        response = client.post("/accounts/xac-thuc/", {"code": current_code(device)})
    ratelimit._store = None
    assert response.status_code == 503 and "Tạm thời chưa thể đăng nhập" in response.content.decode()
    assert client.get("/portal/").status_code == 302


def test_the_unlock_page_fails_closed_when_the_store_is_down(client, make_user, store_down):
    client.force_login(make_user(Role.SECRETARIAT, province_wide=True))
    before = AuditLog.objects.count()
    response = client.post("/portal/mo-khoa-dang-nhap/", {"ip": "10.0.0.1"})
    assert response.status_code == 503 and AuditLog.objects.count() == before
