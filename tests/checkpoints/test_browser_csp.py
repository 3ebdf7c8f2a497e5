"""The browser raises no Content Security Policy violation on the scanner page (camera script)
and the API page (Swagger UI from the offline sidecar assets) (issue 15, point 7). The portal has
no chart page in HTML (charts are drawn in the report PDFs only)."""

import pytest
from django.urls import reverse

from tests.browser import page_errors
from tests.checkpoints.test_browser import _login, _role_groups  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_no_csp_violation_on_scanner_and_api_pages(
    browser, live_server, checkpoint, operator, screenshot_dir
):
    page = browser.new_page()
    found = page_errors(page)
    _login(page, live_server, operator, reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk}))
    assert page.locator("video#preview").count() == 1
    page.wait_for_load_state("networkidle")
    response = page.goto(f"{live_server.url}{reverse('api-docs')}")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    page.screenshot(path=str(screenshot_dir / "api-docs.png"))
    assert found == []
    # The watch works: an inline script is blocked and reported.
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.injected = 1'; document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert any("Content Security Policy" in text for text in found)
    assert page.evaluate("() => window.injected === undefined")
