"""What the served OpenAPI schema (drf-spectacular) says beyond each view's own annotations, so
that it matches what the API answers (schemathesis checks it in CI, docs/security.md)."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from core.bounds import ID_MAX

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
# DRF's validation errors: field → messages (nested for nested inputs), or a list of messages.
VALIDATION = {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "string"}}]}

ERRORS = {
    "400": ("Dữ liệu không hợp lệ (theo từng trường) / invalid input", VALIDATION),
    "403": ("Không có quyền / not allowed", DETAIL),
    "404": ("Không tìm thấy / not found", DETAIL),
}
# Endpoints that accept API tokens (``core.authentication``): a missing, bad, revoked or
# expired key is 401 with the Bearer challenge; a key over its rate 429.
TOKEN_ERRORS = {
    "401": ("Thiếu hoặc sai mã truy cập API / missing or invalid API token", DETAIL),
    "429": ("Gửi quá nhanh / too many requests", DETAIL),
}
WRITE_ERRORS = {
    "409": ("Xung đột (mã lần gửi của điểm khác) / conflict", DETAIL),
    "410": ("Mã QR đã bị thu hồi / revoked code", DETAIL),
    "413": ("Dữ liệu quá lớn / body too large", DETAIL),
    "429": ("Gửi quá nhanh / too many requests", DETAIL),
}

PAGE = OpenApiParameter("page", int, required=False, description="Trang (từ 1) / page number")


def paginated(serializer: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """A ``PageNumberPagination`` answer of ``serializer`` rows, for views that paginate by hand."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": serializer(many=True),
        },
    )


def add_error_responses(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: the refusals every operation may answer (400, 403, 404; writes
    also 409, 410, 413, 429; endpoints taking API tokens 401 and 429), each with the body DRF
    sends; path ids as the URLs take them."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    # ``<int:pk>``: digits only, within the column (core.bounds).
                    parameter["schema"].update(minimum=1, maximum=ID_MAX)
            responses = operation.setdefault("responses", {})
            errors = {**ERRORS, **(WRITE_ERRORS if method in ("post", "put", "patch") else {})}
            if {"apiToken": []} in operation.get("security", []):
                errors.update(TOKEN_ERRORS)
            for code, (description, schema) in errors.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": schema}}}
                )
    return result
