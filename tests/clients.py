"""Test clients for officials who are fully signed in (password and second factor)."""

from typing import Any

from django.test import Client


def verify_session(client: Any, user: Any) -> None:
    """Marks ``client``'s session as having passed the second factor with a real, confirmed
    authenticator of ``user`` (created if the user has none), as ``django_otp.login`` does after
    a code is accepted. Test-only: the flow itself (enrolment, code, recovery code, refusals) is
    tested through the real login form in ``tests/core/test_twofactor.py``."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class VerifiedClient(Client):
    """The ``client`` fixture: ``force_login`` signs the user in *and* verifies the session's
    second factor (``verify_session``), so the tests that only need "an official who is logged
    in" keep calling ``client.force_login(user)``. A plain ``django.test.Client`` stays
    unverified: the 2FA tests use it to prove that such a session is held at the code page."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        verify_session(self, user)
