"""The API's JSON parser, bounded: a body larger than ``API_MAX_BODY_BYTES`` is refused (413)
before it is read, and one nested deeper than ``API_MAX_JSON_DEPTH`` (400) before any object
is built. Python's own parser recurses once per level: 100,000 levels was a 500
(``RecursionError``), and no portal input needs more than a few (docs/security.md)."""

import io
import itertools
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import FormParser, JSONParser

# A JSON string (escapes included): brackets inside it do not nest.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Dữ liệu gửi lên quá lớn.")
    default_code = "body_too_large"


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in ``raw`` (0 for a scalar), ignoring brackets
    inside strings; counted in C-speed passes, without building anything."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    opening = brackets.count(b"[") + brackets.count(b"{")
    if opening <= 1:
        return opening
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)))


def read_bounded(stream: Any, limit: int) -> bytes:
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise BodyTooLarge(
            _("Dữ liệu gửi lên quá lớn (tối đa %(kb)s KB).") % {"kb": limit // 1024},
        )
    return raw


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        raw = read_bounded(stream, settings.API_MAX_BODY_BYTES)
        depth = json_depth(raw)
        if depth > settings.API_MAX_JSON_DEPTH:
            raise ParseError(
                _("Dữ liệu JSON lồng nhau quá sâu (%(depth)s cấp, tối đa %(max)s).")
                % {"depth": depth, "max": settings.API_MAX_JSON_DEPTH}
            )
        return super().parse(io.BytesIO(raw), media_type, parser_context)


class BoundedFormParser(FormParser):
    """DRF's form parser reads the whole body; this one stops at the same limit."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        raw = read_bounded(stream, settings.API_MAX_BODY_BYTES)
        return super().parse(io.BytesIO(raw), media_type, parser_context)
