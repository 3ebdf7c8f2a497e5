"""What every real-browser test shares: logging an official in through the login page.

One helper, so a change to how officials log in (a second factor, a throttle) changes every
browser test in one place."""

from typing import Any


def login(page: Any, base_url: str, username: str, next_url: str = "/portal/", password: str = "pw") -> None:
    """Log in through the login form and land on ``next_url``."""
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
