"""Helpers of the officials' pages: capability checks and service errors onto forms."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from core.roles import user_can


def capability_required(*caps: str) -> Callable:
    """Signed-in (else the login page) and holding one of ``caps`` (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(user_can(request.user, cap) for cap in caps):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def run_service(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Runs a service; its refusal becomes a form error (the user's input stays on the form)."""
    try:
        return call()
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "403")
    return None
