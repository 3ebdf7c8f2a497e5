"""Public API of the declarations app (``/api/v1/declarations/``): a standalone declaration
(domestic travel), rate limited like the public form. Also the person and code-list inputs the
check-in API shares."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import ratelimit
from core.actors import Visitor
from core.bounds import BirthDateSerializerField, BirthYearSerializerField, IdRelatedField
from core.models import AdministrativeUnit, Person
from core.parsers import BoundedJSONParser
from core.selectors import unit_list
from core.services import PersonData
from core.text import CleanSerializerCharField
from declarations import codes, intake
from declarations.data import DeclarationData
from declarations.models import Declaration


class PersonInput(serializers.Serializer):
    full_name = CleanSerializerCharField(max_length=120)
    date_of_birth = BirthDateSerializerField(required=False, allow_null=True, default=None)
    birth_year = BirthYearSerializerField(required=False, allow_null=True, default=None)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, default=Person.Sex.UNKNOWN)
    id_number = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=15, required=False, default="", allow_blank=True)
    address_unit = IdRelatedField(
        queryset=AdministrativeUnit.objects.all(), required=False, allow_null=True, default=None
    )
    address_line = CleanSerializerCharField(max_length=255, required=False, default="", allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("date_of_birth") and not attrs.get("birth_year"):
            raise serializers.ValidationError(_("Vui lòng nhập ngày sinh hoặc năm sinh."))
        return attrs


def code_list(items: tuple[codes.Code, ...]) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=[c.code for c in items]), required=False, default=list
    )


def person_data(data: dict[str, Any]) -> PersonData:
    """A validated ``PersonInput`` as the services take it (an address outside the bundled
    unit list is dropped)."""
    unit = data.get("address_unit")
    if unit is not None and not unit_list().filter(pk=unit.pk).exists():
        unit = None
    return PersonData(**{**data, "address_unit": unit})


class TravelDeclarationInput(serializers.Serializer):
    person = PersonInput()
    places_visited = CleanSerializerCharField(max_length=500, required=False, default="", allow_blank=True)
    symptoms = code_list(codes.symptoms())
    exposures = code_list(codes.exposures())
    travel_from = IdRelatedField(
        queryset=AdministrativeUnit.objects.filter(parent__isnull=True), help_text="Mã tỉnh/thành phố đi."
    )
    travel_to = IdRelatedField(
        queryset=AdministrativeUnit.objects.filter(parent__isnull=True), help_text="Mã tỉnh/thành phố đến."
    )
    travel_date = serializers.DateField()
    transport = CleanSerializerCharField(max_length=100)


class DeclarationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices)
    risk = serializers.ChoiceField(choices=Declaration.Risk.choices)
    created_at = serializers.DateTimeField()


class TravelDeclarationApi(APIView):
    """A person's domestic travel declaration. No login; limited per device and per IP."""

    parser_classes = [BoundedJSONParser]  # nested input: JSON only

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TravelDeclarationInput, responses={201: DeclarationOutput})
    def post(self, request: Request) -> Response:
        data = TravelDeclarationInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not ratelimit.allow_declaration(request):
            return Response(
                {"detail": _("Bạn gửi khai báo quá nhanh. Vui lòng đợi một phút rồi gửi lại.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        v = data.validated_data
        declaration = intake.visitor_declare(
            actor=Visitor("declaration_api"),
            data=DeclarationData(
                person=person_data(v["person"]),
                places_visited=v["places_visited"],
                symptoms=v["symptoms"],
                exposures=v["exposures"],
                travel_from=v["travel_from"],
                travel_to=v["travel_to"],
                travel_date=v["travel_date"],
                transport=v["transport"],
            ),
        )
        return Response(DeclarationOutput(declaration).data, status=status.HTTP_201_CREATED)
