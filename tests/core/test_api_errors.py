"""One error contract at the API edge (core.exception_handlers): services refuse with Django's
ValidationError and every API answers in DRF's standard shape."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView


def answer(exc: Exception):
    class Refusing(APIView):
        authentication_classes: list = []
        permission_classes = [AllowAny]

        def post(self, request):
            raise exc

    return Refusing.as_view()(APIRequestFactory().post("/x/", {}, format="json"))


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (ValidationError("Chọn một cơ quan."), 400, {"non_field_errors": ["Chọn một cơ quan."]}),
        (
            ValidationError({"phone": ["Số điện thoại không hợp lệ."], "__all__": ["Trùng."]}),
            400,
            {"phone": ["Số điện thoại không hợp lệ."], "non_field_errors": ["Trùng."]},
        ),
        (
            ValidationError("Tối đa %(n)s người.", params={"n": 20}),
            400,
            {"non_field_errors": ["Tối đa 20 người."]},
        ),
        (PermissionDenied(), 403, {"detail": str(exceptions.PermissionDenied.default_detail)}),
        (Http404(), 404, {"detail": str(exceptions.NotFound.default_detail)}),
    ],
)
def test_service_refusals_answer_in_drf_standard_shape(exc, status, body):
    response = answer(exc)
    response.render()
    assert response.status_code == status
    assert response.data == body
