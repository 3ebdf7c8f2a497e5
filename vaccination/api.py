"""API of the vaccination platform (issue 19 point 10, under /api/v1/vaccination/): sites,
sessions, appointments, doses and AEFI reports, for officials (session) and integrations (API
tokens of their organization, ``core.authentication``).

- Reads are scoped by ``vaccination.selectors`` (a user's units; a token's organization's sites).
- Names are masked (``core.masking``) unless the viewer may read people (``people.view``: staff
  who vaccinate them, or a token with the ``vaccination.people:read`` scope); every answer
  listing people leaves an ``audit_read`` row with its purpose.
- Writes go through ``vaccination.intake`` / ``vaccination.services`` only, with explicit input
  serializers (never ``serializer.save()``); refusals are raised, answered by the one error
  handler.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import audit_read
from core.authentication import TOKEN_AUTHENTICATION, HasTokenScope
from core.bounds import BirthDateSerializerField, IdRelatedField, parse_query_date
from core.capabilities import Cap
from core.masking import mask_name
from core.models import Person
from core.roles import user_can
from core.schema import PAGE
from core.services import PersonData
from vaccination import intake, selectors, services
from vaccination.capabilities import VaccinationCap
from vaccination.models import AdverseEvent, Appointment, Dose, Lot, PriorityGroup, Session, Site

READ = HasTokenScope("vaccination:read", users_with=VaccinationCap.VIEW)
BOOK = HasTokenScope("vaccination.appointments:write", users_with=VaccinationCap.RUN_SESSIONS)
ADMINISTER = HasTokenScope("vaccination.doses:write", users_with=VaccinationCap.ADMINISTER)


def _full_names(request: Request) -> bool:
    return user_can(request.user, Cap.VIEW_PEOPLE)


def _person_out(person: Person, full: bool) -> dict[str, Any]:
    return {
        "id": person.pk,
        "full_name": person.full_name if full else mask_name(person.full_name),
        "birth_year": person.birth_year,
    }


class PersonOutput(serializers.Serializer):
    """A person as the viewer may see them: the name masked ("Nguyễn Văn ***") unless they may
    read people; the birth year (screening needs the age)."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)


def _read_logged(request: Request, person_ids: list[int], purpose: str, **details: Any) -> None:
    audit_read(
        actor=request.user, target=Person, ids=sorted(set(person_ids)), purpose=purpose, details=details
    )


# --- Output ------------------------------------------------------------------------------


class SiteOutput(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = Site
        fields = ("id", "name", "unit", "unit_name", "organization", "address_line", "is_active")


class SessionOutput(serializers.ModelSerializer):
    vaccine_name = serializers.CharField(source="vaccine.name")
    places_left = serializers.IntegerField()

    class Meta:
        model = Session
        fields = (
            "id",
            "site",
            "date",
            "starts_at",
            "ends_at",
            "vaccine",
            "vaccine_name",
            "capacity",
            "booked",
            "places_left",
            "status",
        )


class AppointmentOutput(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = ("id", "code", "session", "person", "priority_group", "status", "channel", "created_at")

    @extend_schema_field(PersonOutput)
    def get_person(self, obj: Appointment) -> dict[str, Any]:
        return _person_out(obj.person, self.context.get("full", False))


class DoseOutput(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    lot_number = serializers.CharField(source="lot.number")
    vaccine_name = serializers.CharField(source="vaccine.name")

    class Meta:
        model = Dose
        fields = (
            "id",
            "person",
            "vaccine",
            "vaccine_name",
            "lot",
            "lot_number",
            "dose_number",
            "administered_at",
            "site",
            "session",
            "observation_minutes",
            "next_due_date",
        )

    @extend_schema_field(PersonOutput)
    def get_person(self, obj: Dose) -> dict[str, Any]:
        return _person_out(obj.person, self.context.get("full", False))


class AefiOutput(serializers.ModelSerializer):
    lot = serializers.IntegerField(source="dose.lot_id")
    vaccine = serializers.IntegerField(source="dose.vaccine_id")
    site = serializers.IntegerField(source="dose.site_id")

    class Meta:
        model = AdverseEvent
        fields = (
            "id",
            "dose",
            "lot",
            "vaccine",
            "site",
            "channel",
            "onset_at",
            "symptoms",
            "seriousness",
            "outcome",
            "causality",
            "reported_at",
        )


# --- Input -------------------------------------------------------------------------------


class BookingPersonInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=120)
    date_of_birth = BirthDateSerializerField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=15, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, default=Person.Sex.UNKNOWN)

    def validate_phone(self, value: str) -> str:
        phone = "".join(c for c in value if c.isdigit() or c == "+")
        if phone and not 9 <= len(phone.lstrip("+")) <= 12:
            raise serializers.ValidationError(_("Số điện thoại không hợp lệ."))
        return phone

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("date_of_birth"):
            raise serializers.ValidationError({"date_of_birth": [_("Vui lòng nhập ngày sinh.")]})
        if not attrs.get("phone") and not attrs.get("id_number"):
            raise serializers.ValidationError(
                {"phone": [_("Cần số điện thoại hoặc số giấy tờ để tìm đúng người.")]}
            )
        return attrs


class BookingInput(serializers.Serializer):
    person = BookingPersonInput()
    priority_group = IdRelatedField(
        queryset=PriorityGroup.objects.filter(is_active=True), required=False, allow_null=True
    )


class BookingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    session = serializers.IntegerField()
    person_id = serializers.IntegerField()
    person_created = serializers.BooleanField()
    status = serializers.CharField()


class DoseInput(serializers.Serializer):
    appointment = serializers.CharField(max_length=12, help_text="Mã đặt lịch / booking code")
    lot = IdRelatedField(queryset=Lot.objects.all())
    dose_number = serializers.IntegerField(min_value=1, max_value=10)
    screening_positive = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=50
    )
    screening_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    administered_at = serializers.DateTimeField(required=False, allow_null=True)
    vaccinator_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    observation_minutes = serializers.IntegerField(min_value=5, max_value=240, default=30)


class AefiInput(serializers.Serializer):
    onset_at = serializers.DateTimeField()
    symptoms = serializers.CharField(max_length=500)
    seriousness = serializers.ChoiceField(choices=AdverseEvent.Seriousness.choices)
    outcome = serializers.ChoiceField(
        choices=AdverseEvent.Outcome.choices, default=AdverseEvent.Outcome.UNKNOWN
    )


# --- Reads -------------------------------------------------------------------------------


class SiteListApi(generics.ListAPIView):
    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [READ]
    serializer_class = SiteOutput

    def get_queryset(self) -> QuerySet[Site]:
        return selectors.sites_visible_to(self.request.user).order_by("name", "pk")


class SessionListApi(generics.ListAPIView):
    """Sessions at the visible sites, ``?site=`` and ``?date_from=`` (YYYY-MM-DD) to narrow."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [READ]
    serializer_class = SessionOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("site", int, required=False),
            OpenApiParameter("date_from", str, required=False, description="YYYY-MM-DD"),
            PAGE,
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Session]:
        qs = selectors.sessions_visible_to(self.request.user).order_by("-date", "pk")
        site = self.request.query_params.get("site", "")
        if site.isdigit() and len(site) <= 9:
            qs = qs.filter(site_id=int(site))
        day = parse_query_date(self.request.query_params.get("date_from"))
        if day is not None:
            qs = qs.filter(date__gte=day)
        return qs


class _PeopleListApi(generics.ListAPIView):
    """A page of rows naming people: masked or not by the viewer, its read audited."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [READ]
    purpose = ""

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "full": _full_names(self.request)}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else [])
        _read_logged(request, [r.person_id for r in rows], self.purpose, **self.read_details())
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def read_details(self) -> dict[str, Any]:
        return {"kind": "api", "full": _full_names(self.request)}


class SessionAppointmentsApi(_PeopleListApi):
    """GET: the session's bookings. POST: books a person (found by ID number, or phone, name and
    birth date, never overwritten; created when not found) — within the session's places."""

    serializer_class = AppointmentOutput
    purpose = "vaccination.api.appointments"

    def get_permissions(self) -> list[Any]:
        return [READ() if self.request.method == "GET" else BOOK()]

    def _session(self) -> Session:
        return selectors.access_session(self.request.user, self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[Appointment]:
        return selectors.appointments_of_session(self._session()).order_by("created_at", "pk")

    def read_details(self) -> dict[str, Any]:
        return {**super().read_details(), "session_id": self.kwargs["pk"]}

    @extend_schema(request=BookingInput, responses={201: BookingOutput}, operation_id="vaccination_book")
    def post(self, request: Request, pk: int) -> Response:
        session = self._session()
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = values["person"]
        appointment, created = intake.register_and_book(
            actor=request.user,
            session=session,
            person=PersonData(
                full_name=person["full_name"],
                date_of_birth=person["date_of_birth"],
                phone=person["phone"],
                id_number=person["id_number"],
                sex=person["sex"],
            ),
            priority_group=values.get("priority_group"),
        )
        body = {
            "id": appointment.pk,
            "code": appointment.code,
            "session": session.pk,
            "person_id": appointment.person_id,
            "person_created": created,
            "status": appointment.status,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class DoseListApi(_PeopleListApi):
    """Doses at the visible sites (``?session=`` to narrow). POST records one for a booking:
    the screening answers first (``screening_positive``: the questions answered "yes"), then the
    dose from the lot, all or nothing."""

    serializer_class = DoseOutput
    purpose = "vaccination.api.doses"

    def get_permissions(self) -> list[Any]:
        return [READ() if self.request.method == "GET" else ADMINISTER()]

    @extend_schema(parameters=[OpenApiParameter("session", int, required=False), PAGE])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Dose]:
        qs = selectors.doses_visible_to(self.request.user).order_by("-administered_at", "-pk")
        session = self.request.query_params.get("session", "")
        if session.isdigit() and len(session) <= 9:
            qs = qs.filter(session_id=int(session))
        return qs

    @extend_schema(request=DoseInput, responses={201: DoseOutput}, operation_id="vaccination_dose_record")
    def post(self, request: Request) -> Response:
        data = DoseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        appointment = selectors.access_appointment(request.user, values["appointment"])
        if appointment.status != Appointment.Status.BOOKED:
            raise ValidationError({"appointment": [_("Lịch hẹn này không còn hiệu lực.")]})
        session = appointment.session
        # The screening and the dose as one: a refused dose leaves no screening behind.
        with transaction.atomic():
            screening = services.screening_record(
                actor=request.user,
                person=appointment.person,
                site=session.site,
                positive=values["screening_positive"],
                note=values["screening_note"],
                at=values.get("administered_at"),
            )
            if not screening.allows_vaccination:
                raise ValidationError(
                    {
                        "screening_positive": [
                            _("Kết luận khám sàng lọc: %(outcome)s. Không tiêm.")
                            % {"outcome": screening.get_outcome_display()}
                        ]
                    }
                )
            dose = services.dose_record(
                actor=request.user,
                person=appointment.person,
                site=session.site,
                lot=values["lot"],
                dose_number=values["dose_number"],
                screening=screening,
                session=session,
                administered_at=values.get("administered_at"),
                vaccinator_name=values["vaccinator_name"],
                observation_minutes=values["observation_minutes"],
            )
        return Response(DoseOutput(dose, context={"full": False}).data, status=status.HTTP_201_CREATED)


class AefiListApi(generics.ListAPIView):
    """Adverse events at the visible sites, newest first (no names: the dose id links them)."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [READ]
    serializer_class = AefiOutput

    def get_queryset(self) -> QuerySet[AdverseEvent]:
        return selectors.aefi_visible_to(self.request.user).order_by("-reported_at", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        # Health data of identifiable people (through the dose): the read is logged.
        _read_logged(request, [e.dose.person_id for e in page], "vaccination.api.aefi", kind="api")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AefiReportApi(APIView):
    """Reports an adverse event after a dose given at one of the visible sites."""

    authentication_classes = TOKEN_AUTHENTICATION
    permission_classes = [ADMINISTER]

    @extend_schema(request=AefiInput, responses={201: AefiOutput}, operation_id="vaccination_aefi_report")
    def post(self, request: Request, pk: int) -> Response:
        dose = selectors.access_dose(request.user, pk)
        data = AefiInput(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.aefi_report(actor=request.user, dose=dose, **data.validated_data)
        return Response(AefiOutput(event).data, status=status.HTTP_201_CREATED)
