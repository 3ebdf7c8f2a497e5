"""What every real-browser test shares: logging an official in through the login page.

One helper, so a change to how officials log in (a second factor, a throttle) changes every
browser test in one place."""

import time
from typing import Any

VERIFY_PATH = "/accounts/xac-thuc/"


def ensure_authenticator(username: str) -> Any:
    """The account's confirmed authenticator; an official who needs a second factor and has none
    gets one here (as if enrolled earlier: the enrolment itself has its own browser test)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.twofactor import requires_two_factor

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and requires_two_factor(user):
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def current_code(device: Any) -> str:
    """A code the device accepts now: the current time step, or the next one when this step's
    code was already used (a second login within 30 s; the portal refuses a replayed code)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    while step > totp.t() + device.tolerance:  # two logins already in this step: wait for the next
        time.sleep(1)
        totp.time = time.time()
    totp.time = device.t0 + step * device.step + 1 - device.drift * device.step
    return f"{totp.token():0{device.digits}d}"


def login(page: Any, base_url: str, username: str, next_url: str = "/portal/", password: str = "pw") -> None:
    """Log in through the login form (then the second-factor code, when the account has one)
    and land on ``next_url``."""
    device = ensure_authenticator(username)
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    if device is not None and VERIFY_PATH in page.url:
        page.fill("#id_code", current_code(device))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()


def page_errors(page: Any) -> list[str]:
    """Collects, from now on, the page's Content Security Policy violations and script errors
    (a test asserts the list stays empty)."""
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: found.append(str(e)))
    return found
