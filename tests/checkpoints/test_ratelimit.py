"""The limiter: signed device ids, its fail modes when the store is down, one round trip."""

import socket
import uuid

import pytest
import redis
from django.test import override_settings
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from checkpoints.models import CheckIn
from core import ratelimit
from tests.checkpoints.test_api import payload


def closed_port_url() -> str:
    """A Redis URL on a local port nothing listens on (the store is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def store_down():
    with override_settings(RATE_LIMIT_REDIS_URL=closed_port_url()):
        yield
    ratelimit._store = None


@pytest.mark.django_db
@override_settings(CHECKIN_RATE_PER_DEVICE=2, CHECKIN_RATE_PER_IP=1000)
def test_a_made_up_device_cookie_is_not_a_new_device(checkpoint):
    api = APIClient(REMOTE_ADDR=f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")
    answers = []
    for _i in range(3):
        api.cookies[ratelimit.DEVICE_COOKIE] = uuid.uuid4().hex  # any 16-64 characters
        answers.append(api.post("/api/v1/checkins/", payload(checkpoint), format="json").status_code)
    assert answers == [201, 201, 429]
    # A device id the server signed is a device of its own.
    api.cookies[ratelimit.DEVICE_COOKIE] = ratelimit.new_device_cookie()
    assert api.post("/api/v1/checkins/", payload(checkpoint), format="json").status_code == 201


def test_the_page_replaces_an_unsigned_device_cookie(rf):
    request = rf.get("/", HTTP_COOKIE=f"{ratelimit.DEVICE_COOKIE}={'x' * 32}")
    response = Response()
    ratelimit.set_device_cookie(request, response)
    value = response.cookies[ratelimit.DEVICE_COOKIE].value
    assert value != "x" * 32 and ratelimit._device_id(rf.get("/", HTTP_COOKIE=f"cp_dev={value}"))
    signed = rf.get("/", HTTP_COOKIE=f"{ratelimit.DEVICE_COOKIE}={value}")
    kept = Response()
    ratelimit.set_device_cookie(signed, kept)
    assert ratelimit.DEVICE_COOKIE not in kept.cookies


@pytest.mark.django_db
def test_checkins_fail_open_when_the_store_is_down(checkpoint, store_down, caplog):
    before = ratelimit.failures[ratelimit.CHECKIN.scope]
    api = APIClient()
    second = payload(
        checkpoint,
        person={"full_name": "Trần Thị Bình", "birth_year": 1990, "sex": "female", "phone": "0987000111"},
        members=[{"full_name": "Trần Bé Na", "birth_year": 2019}],
    )
    assert api.post("/api/v1/checkins/", payload(checkpoint), format="json").status_code == 201
    assert api.post("/api/v1/checkins/", second, format="json").status_code == 201
    assert CheckIn.objects.count() == 4  # two visitors with one member each, all stored
    assert ratelimit.failures[ratelimit.CHECKIN.scope] == before + 2
    assert "rate limit store unreachable (scope ci, fail open" in caplog.text


CLOSED = ratelimit.Limit("test-closed", window=60, fail_open=False)


class ClosedLimitApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        if not ratelimit.allow(CLOSED, [(("ip", ratelimit.client_ip(request)), 5)]):
            return Response(status=429)
        return Response({"ok": True})


def test_a_fail_closed_limit_answers_503_when_the_store_is_down(store_down):
    response = ClosedLimitApi.as_view()(APIRequestFactory().post("/x/", {}, format="json"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(ratelimit.RETRY_AFTER)
    assert response.data == {"detail": "Hệ thống đang tạm gián đoạn. Vui lòng thử lại sau ít phút."}


@pytest.mark.redis
def test_one_round_trip_per_check_and_the_limit_holds(needs_redis, monkeypatch):
    sent = []
    original = redis.connection.Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    with override_settings(RATE_LIMIT_REDIS_URL=needs_redis):
        ratelimit._store = None
        ratelimit.allow(CLOSED, [(("warm",), 1)])  # loads the script once (EVALSHA, then EVAL)
        monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting)
        parts = ("one", uuid.uuid4().hex)
        other = ("other", uuid.uuid4().hex)
        answers = [ratelimit.allow(CLOSED, [(parts, 3), (other, 100)]) for _ in range(5)]
    ratelimit._store = None
    assert answers == [True, True, True, False, False]
    assert len(sent) == 5  # one EVALSHA per check, both keys in it
