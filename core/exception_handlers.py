"""The API's one error contract (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Services refuse with Django's ``ValidationError``; views and APIs do not convert it by hand.
This handler answers it in DRF's standard shape, the same as a serializer's errors:
``{"field": ["message"]}`` for a field, ``{"non_field_errors": ["message"]}`` for the input as
a whole. A batch refused as a whole (``core.itemerrors.ItemErrors``) answers one entry per item
under its list field, keyed by index as DRF keys a list's invalid items:
``{"results": {"1": {"non_field_errors": ["Dòng 2: ..."]}}}``. Django's ``PermissionDenied`` and
``Http404`` are answered by DRF's own handler as
``{"detail": "message"}`` (403, 404); a closed rate limit whose store is down answers 503 with
``Retry-After``. Everything else is DRF's default.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.itemerrors import ItemErrors
from core.ratelimit import LimiterUnavailable


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ItemErrors):
        exc = ValidationError(detail=exc.api_detail())
    elif isinstance(exc, DjangoValidationError):
        errors = as_serializer_error(exc)
        if NON_FIELD_ERRORS in errors:  # a model's clean() names the whole input "__all__"
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
        exc = ValidationError(detail=errors)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, LimiterUnavailable):
        response["Retry-After"] = str(exc.retry_after)
    return response
