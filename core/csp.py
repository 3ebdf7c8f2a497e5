"""Content Security Policy on every response (Django 5.2 has no built-in one); the policy is
the CONTENT_SECURITY_POLICY setting.

Scripts come only from the portal's own static files (no inline script, no event handler
attribute); styles allow 'unsafe-inline' because a few pages keep a small <style> block.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
