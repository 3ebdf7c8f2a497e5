"""The lab system API (issue 18 point 5, under /api/v1/testing/): a lab's information system,
with its organization's API token, lists the samples waiting at its labs and sends results.

It goes through the lab page's services (``testing.services.lab``): the same checks, pools
(a member's result comes from its pool's), pool corrections, the case confirmed by a positive
RT-PCR in the same transaction, one audit row per call naming the token. A token sees and
writes only its own organization's labs (``selectors.labs_visible_to``): another lab is 404.
Signed-in lab staff may use the same endpoints from the browser (their unit scope applies).
No personal data leaves: a sample is known by its specimen code.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.authentication import TOKEN_AUTHENTICATION, HasTokenScope
from core.schema import PAGE
from testing import selectors, services
from testing.capabilities import TestingCap
from testing.models import Lab, LabResult, Outcome, Sample, SamplePool

READ = HasTokenScope("testing.samples:read", users_with=TestingCap.LAB)
WRITE = HasTokenScope("testing.results:write", users_with=TestingCap.LAB)


def _lab(request: Request, pk: int) -> Lab:
    return selectors.access_lab(request.user, pk)


# --- Output ------------------------------------------------------------------------------


class LabOutput(serializers.ModelSerializer):
    class Meta:
        model = Lab
        fields = ("id", "name")


class SampleOutput(serializers.ModelSerializer):
    site = serializers.CharField(source="site.name")
    pool = serializers.SerializerMethodField()

    class Meta:
        model = Sample
        fields = ("code", "status", "sample_type", "test_kind", "site", "collected_at", "received_at", "pool")

    def get_pool(self, obj: Sample) -> str | None:
        return obj.pool.code if obj.pool_id and obj.pool else None


class PoolOutput(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = SamplePool
        fields = ("code", "created_at", "outcome", "resulted_at", "ct_value", "verified_by", "members")

    def get_members(self, obj: SamplePool) -> list[str]:
        return list(obj.members.order_by("code").values_list("code", flat=True))


class ResultOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="sample.code")

    class Meta:
        model = LabResult
        fields = ("code", "outcome", "resulted_at", "ct_value", "verified_by")


class CountOutput(serializers.Serializer):
    count = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField())


# --- Input -------------------------------------------------------------------------------


class ResultInput(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    ct_value = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    verified_by = serializers.CharField(max_length=120)
    resulted_at = serializers.DateTimeField(required=False, allow_null=True)

    def row(self) -> services.ResultRow:
        return _row(self.validated_data)


def _row(values: dict[str, Any]) -> services.ResultRow:
    return services.ResultRow(
        code=values["code"],
        outcome=values["outcome"],
        verified_by=values["verified_by"],
        resulted_at=values.get("resulted_at"),
        ct_value=values.get("ct_value"),
    )


class BatchInput(serializers.Serializer):
    results = ResultInput(many=True, allow_empty=False, max_length=1000)  # type: ignore[call-arg]


class CodesInput(serializers.Serializer):
    codes = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=False, max_length=1000
    )


class PoolInput(CodesInput):
    code = serializers.CharField(max_length=40)


class PoolResultInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    ct_value = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    verified_by = serializers.CharField(max_length=120)
    resulted_at = serializers.DateTimeField(required=False, allow_null=True)


class PoolCorrectionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    verified_by = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=500)


# --- Views -------------------------------------------------------------------------------


class LabListApi(generics.ListAPIView):
    """The labs this token (or this lab staff member) works for."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [READ]
    serializer_class = LabOutput

    def get_queryset(self) -> QuerySet[Lab]:
        return selectors.labs_visible_to(self.request.user).order_by("name", "pk")


class LabSamplesApi(generics.ListAPIView):
    """Samples waiting at the lab: ``?sent=true`` lists the tubes collected in the units the lab
    serves that no lab has received yet; otherwise the received samples waiting for a result
    (a pooled one's result comes from its pool's)."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [READ]
    serializer_class = SampleOutput

    @extend_schema(
        parameters=[OpenApiParameter("sent", bool, required=False), PAGE], operation_id="testing_lab_samples"
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Sample]:
        lab = _lab(self.request, self.kwargs["pk"])
        sent = self.request.query_params.get("sent", "").lower() in ("1", "true")
        return selectors.lab_samples_awaiting(self.request.user, lab, sent=sent)


class LabReceiveApi(APIView):
    """The lab received these tubes (all or nothing, as the lab page's bulk receipt)."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [WRITE]

    @extend_schema(request=CodesInput, responses={200: CountOutput})
    def post(self, request: Request, pk: int) -> Response:
        lab = _lab(request, pk)
        data = CodesInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.samples_receive(actor=request.user, lab=lab, codes=data.validated_data["codes"])
        return Response({"count": len(done), "codes": sorted(s.code for s in done)})


class LabResultApi(APIView):
    """One result for a received single sample. A positive RT-PCR confirms the person's case."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [WRITE]

    @extend_schema(request=ResultInput, responses={201: ResultOutput})
    def post(self, request: Request, pk: int) -> Response:
        lab = _lab(request, pk)
        data = ResultInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = services.results_enter(actor=request.user, lab=lab, rows=[data.row()], via=LabResult.Via.IMPORT)
        result = LabResult.objects.select_related("sample").get(pk=ids[0])
        return Response(ResultOutput(result).data, status=status.HTTP_201_CREATED)


class LabResultBatchApi(APIView):
    """Many results, all or nothing: any wrong item refuses the batch, and the answer names each
        wrong item by its index from 0, as DRF names a list's invalid items
    (``{"results": {"1": {"non_field_errors": ["Dòng 2: ..."]}}}``)."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [WRITE]

    @extend_schema(request=BatchInput, responses={201: ResultOutput(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        lab = _lab(request, pk)
        data = BatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [_row(item) for item in data.validated_data["results"]]
        ids = services.results_enter(actor=request.user, lab=lab, rows=rows, via=LabResult.Via.IMPORT)
        results = LabResult.objects.select_related("sample").filter(pk__in=ids).order_by("pk")
        return Response(ResultOutput(results, many=True).data, status=status.HTTP_201_CREATED)


class LabPoolsApi(APIView):
    """GET: the lab's pools waiting for a result. POST: a pool of received RT-PCR samples."""

    authentication_classes = TOKEN_AUTHENTICATION

    def get_permissions(self) -> list[Any]:
        return [READ() if self.request.method == "GET" else WRITE()]

    @extend_schema(responses=PoolOutput(many=True), operation_id="testing_lab_pools_list")
    def get(self, request: Request, pk: int) -> Response:
        lab = _lab(request, pk)
        return Response(PoolOutput(selectors.pools_awaiting(request.user, lab)[:200], many=True).data)

    @extend_schema(request=PoolInput, responses={201: PoolOutput}, operation_id="testing_lab_pools_create")
    def post(self, request: Request, pk: int) -> Response:
        lab = _lab(request, pk)
        data = PoolInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pool = services.pool_create(actor=request.user, lab=lab, code=values["code"], codes=values["codes"])
        return Response(PoolOutput(pool).data, status=status.HTTP_201_CREATED)


def _pool(request: Request, lab: Lab, code: str) -> SamplePool:
    return selectors.access_pool_by_code(request.user, lab, code)


class PoolResultApi(APIView):
    """A pool's result, entered once: negative gives each member "negative by pool"; positive or
    inconclusive puts each member back to be re-sampled alone."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [WRITE]

    @extend_schema(request=PoolResultInput, responses={201: PoolOutput})
    def post(self, request: Request, pk: int, code: str) -> Response:
        pool = _pool(request, _lab(request, pk), code)
        data = PoolResultInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pool = services.pool_result_enter(
            actor=request.user,
            pool=pool,
            outcome=values["outcome"],
            verified_by=values["verified_by"],
            resulted_at=values.get("resulted_at"),
            ct_value=values.get("ct_value"),
        )
        return Response(PoolOutput(pool).data, status=status.HTTP_201_CREATED)


class PoolCorrectionApi(APIView):
    """Corrects a pool's result, with a reason, while no member has been re-sampled."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [WRITE]

    @extend_schema(request=PoolCorrectionInput, responses={200: PoolOutput})
    def post(self, request: Request, pk: int, code: str) -> Response:
        pool = _pool(request, _lab(request, pk), code)
        data = PoolCorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pool = services.pool_result_correct(
            actor=request.user,
            pool=pool,
            outcome=values["outcome"],
            verified_by=values["verified_by"],
            reason=values["reason"],
        )
        return Response(PoolOutput(pool).data)
