"""View guards shared by the apps' pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from core.roles import user_can


def capability_required(*caps: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Anonymous visitors go to the login page; a signed-in official who holds none of ``caps``
    gets 403 (sending them to the login page again would only loop)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user_can(request.user, cap) for cap in caps):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
