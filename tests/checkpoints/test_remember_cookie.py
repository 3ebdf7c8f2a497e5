"""The remember-me cookie keeps the visitor's identity encrypted: no decoding of its value shows
the ID or phone number, and the one-tap check-in still works (test_views)."""

import base64
import contextlib
import re
import uuid
import zlib

import pytest
from django.core import signing

from checkpoints.models import CheckIn
from tests.checkpoints.test_views import form_data, url

pytestmark = pytest.mark.django_db

SECRETS = ("038085000001", "0912345678", "Nguyễn Văn An")


def decodings(value: str) -> list[bytes]:
    """The value as it is, and every piece of it base64-decoded (either alphabet), zlib
    inflated where that works: what a reader of the cookie could try."""
    found = [value.encode()]
    for piece in re.split(r"[:.]", value):
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                raw = decode(piece + "=" * (-len(piece) % 4))
            except ValueError:
                continue
            found.append(raw)
            with contextlib.suppress(zlib.error):
                found.append(zlib.decompress(raw))
    return found


def test_the_cookie_shows_no_identity_in_any_decoding(client, checkpoint):
    client.post(url(checkpoint), form_data(remember="1"))
    value = client.cookies["cp_me"].value
    for raw in decodings(value):
        text = raw.decode("utf-8", "ignore")
        assert not any(secret in text for secret in SECRETS), text[:80]


def test_an_old_signed_cookie_is_ignored_not_an_error(client, checkpoint):
    old = {"full_name": "Nguyễn Văn An", "phone": "0912345678", "birth_year": 1985}
    client.cookies["cp_me"] = signing.dumps(old, salt="checkpoints.remember", compress=True)
    page = client.get(url(checkpoint))
    assert page.status_code == 200 and 'name="quick"' not in page.content.decode()
    response = client.post(url(checkpoint), {"quick": "1", "submission": str(uuid.uuid4())})
    assert response.status_code == 200 and not CheckIn.objects.exists()
