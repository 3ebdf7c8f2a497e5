"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, str]:
    return {
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "PORTAL_SHORT_NAME": settings.PORTAL_SHORT_NAME,
    }
