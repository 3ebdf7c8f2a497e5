"""Public API of the certificates app (``/api/v1/certificates/verify/``): the verification page's
answer as JSON, for a checkpoint's own scanning app. No login; rate limited like the page."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import selectors
from certificates.dcc.verify import Step
from certificates.forms import MAX_QR_TEXT
from core import ratelimit


class VerifyInput(serializers.Serializer):
    qr_text = serializers.CharField(max_length=MAX_QR_TEXT, help_text="Nội dung mã QR, bắt đầu bằng HC1:")


class SummaryOutput(serializers.Serializer):
    name = serializers.CharField()
    date_of_birth = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.CharField()
    detail = serializers.CharField()


class VerifyOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    failed_step = serializers.ChoiceField(choices=[s.value for s in Step], allow_null=True)
    message = serializers.CharField()
    certificate = SummaryOutput(allow_null=True)


class VerifyApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=VerifyInput, responses={200: VerifyOutput})
    def post(self, request: Request) -> Response:
        data = VerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not ratelimit.allow_certificate_verify(request):
            return Response(
                {"detail": _("Quá nhiều lượt kiểm tra, vui lòng thử lại sau một phút.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        result = selectors.certificate_verify(data.validated_data["qr_text"])
        output = {
            "valid": result.valid,
            "failed_step": result.step.value if result.step else None,
            "message": result.message,
            "certificate": vars(result.summary) if result.summary else None,
        }
        return Response(VerifyOutput(output).data)
