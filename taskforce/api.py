"""API of the task force (under /api/v1/taskforce/): members, meetings, assignments and
proposals, with the pages' scoping (selectors) and rules (services). Input serializers are
explicit; writes call services, never ``serializer.save()``."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.bounds import IdRelatedField, parse_query_date
from core.models import Organization
from core.roles import user_can
from core.schema import PAGE, paginated
from core.selectors import organizations_visible_to
from taskforce import selectors, services
from taskforce.capabilities import TaskforceCap
from taskforce.models import AgendaItem, Assignment, Attendance, Conclusion, Meeting, Member, Proposal


def has_any(*caps: str) -> type[BasePermission]:
    class HasCapability(BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            return any(user_can(request.user, cap) for cap in caps)

    return HasCapability


# --- Output ------------------------------------------------------------------------------


class MemberOutput(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")

    class Meta:
        model = Member
        fields = (
            "id",
            "full_name",
            "organization",
            "organization_name",
            "position_title",
            "role",
            "responsibilities",
            "phone",
            "email",
            "contact_is_demo",
            "active_from",
            "active_to",
            "appointed_by",
        )


class AgendaOutput(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ("id", "order", "title", "presenter")


class AttendanceOutput(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ("member", "status", "delegate_name", "note")


class ConclusionOutput(serializers.ModelSerializer):
    assignment_ids = serializers.SerializerMethodField()

    class Meta:
        model = Conclusion
        fields = ("id", "order", "text", "assignment_ids")

    def get_assignment_ids(self, obj: Conclusion) -> list[int]:
        return [a.pk for a in obj.assignments.all()]


class MeetingOutput(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields: tuple[str, ...] = (
            "id",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "chair",
            "status",
            "series",
        )


class MeetingDetailOutput(MeetingOutput):
    agenda_items = AgendaOutput(many=True)
    attendances = AttendanceOutput(many=True)
    conclusions = ConclusionOutput(many=True)

    class Meta(MeetingOutput.Meta):
        fields = (*MeetingOutput.Meta.fields, "minutes", "agenda_items", "attendances", "conclusions")


class AssignmentOutput(serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = (
            "id",
            "title",
            "description",
            "assignee_member",
            "assignee_organization",
            "assigned_by",
            "due_on",
            "priority",
            "status",
            "progress",
            "source",
            "source_reference",
            "conclusion",
            "proposal",
            "created_at",
            "completed_at",
        )


class ProposalOutput(serializers.ModelSerializer):
    assignment_ids = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = (
            "id",
            "title",
            "body",
            "submitted_by",
            "submitted_at",
            "status",
            "response",
            "decided_by",
            "decided_at",
            "assignment_ids",
        )

    def get_assignment_ids(self, obj: Proposal) -> list[int]:
        return [a.pk for a in obj.assignments.all()]


# --- Members and meetings -----------------------------------------------------------------


class MemberListApi(generics.ListAPIView):
    """Members of the task force, active on ``on`` (YYYY-MM-DD) when given."""

    permission_classes = [IsAuthenticated, has_any(TaskforceCap.TASKFORCE_VIEW)]
    serializer_class = MemberOutput

    @extend_schema(parameters=[OpenApiParameter("on", str, required=False, description="YYYY-MM-DD")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Member]:
        on = parse_query_date(self.request.query_params.get("on", "") or "")
        return selectors.members_visible_to(self.request.user, on)


class MeetingListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated, has_any(TaskforceCap.TASKFORCE_VIEW)]
    serializer_class = MeetingOutput

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meetings_visible_to(self.request.user).order_by("-starts_at")


class MeetingDetailApi(APIView):
    permission_classes = [IsAuthenticated, has_any(TaskforceCap.TASKFORCE_VIEW)]

    @extend_schema(responses=MeetingDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(MeetingDetailOutput(selectors.meeting_detail(request.user, pk)).data)


# --- Assignments --------------------------------------------------------------------------

WORK = has_any(TaskforceCap.TASKFORCE_VIEW_ALL_WORK, TaskforceCap.ASSIGNMENT_WORK)


class AssignmentInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    assignee_member = IdRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    assignee_organization = IdRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    due_on = serializers.DateField()
    # A due date in the past only when recording an assignment given earlier (overdue at once).
    backdated = serializers.BooleanField(default=False)
    priority = serializers.ChoiceField(
        choices=Assignment.Priority.choices, default=Assignment.Priority.NORMAL
    )
    # "source" is also a Field attribute in the stubs; here it is the input's name.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[Assignment.Source.LEADER, Assignment.Source.CHAIRMAN], default=Assignment.Source.LEADER
    )
    source_reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    proposal = IdRelatedField(queryset=Proposal.objects.all(), required=False, allow_null=True)


class AssignmentListApi(APIView):
    """Assignments the user may see (``?status=``); POST gives one (leader or delegated deputy)."""

    permission_classes = [IsAuthenticated, WORK]

    @extend_schema(
        parameters=[OpenApiParameter("status", str, required=False, enum=Assignment.Status.values), PAGE],
        responses=paginated(AssignmentOutput, "PaginatedAssignmentOutputList"),
        operation_id="taskforce_assignments_list",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.assignments_visible_to(request.user)
        wanted = request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted)
        paginator = generics.GenericAPIView.pagination_class()  # type: ignore[misc]
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AssignmentOutput(page, many=True).data)

    @extend_schema(request=AssignmentInput, responses={201: AssignmentOutput})
    def post(self, request: Request) -> Response:
        if not services.can_assign(request.user):
            raise PermissionDenied
        data = AssignmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organization = values.get("assignee_organization")
        if (
            organization is not None
            and not organizations_visible_to(request.user).filter(pk=organization.pk).exists()
        ):
            raise ValidationError({"assignee_organization": [_("Không có quyền xem mục này.")]})
        proposal = values.get("proposal")
        if (
            proposal is not None
            and not selectors.proposals_visible_to(request.user).filter(pk=proposal.pk).exists()
        ):
            raise ValidationError({"proposal": [_("Không có quyền xem mục này.")]})
        assignment = services.assignment_create(
            actor=request.user,
            title=values["title"],
            description=values["description"],
            assignee_member=values.get("assignee_member"),
            assignee_organization=organization,
            due_on=values["due_on"],
            backdated=values["backdated"],
            priority=values["priority"],
            source=values["source"],
            source_reference=values["source_reference"],
            proposal=proposal,
        )
        return Response(AssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentDetailApi(APIView):
    permission_classes = [IsAuthenticated, WORK]

    @extend_schema(responses=AssignmentOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(AssignmentOutput(selectors.assignment_detail(request.user, pk)).data)


class ProgressInput(serializers.Serializer):
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=Assignment.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    attachment = serializers.FileField(required=False, allow_null=True)


class AssignmentProgressApi(APIView):
    """A progress update (multipart for an attachment) by the assignee or the assigner."""

    permission_classes = [IsAuthenticated, WORK]

    @extend_schema(request=ProgressInput, responses={201: AssignmentOutput})
    def post(self, request: Request, pk: int) -> Response:
        assignment = selectors.assignment_detail(request.user, pk)
        if not services.may_work_on(request.user, assignment):
            raise PermissionDenied
        data = ProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.assignment_progress(
            actor=request.user,
            assignment=assignment,
            text=values["text"],
            status=values["status"],
            progress=values.get("progress"),
            attachment=values.get("attachment"),
        )
        return Response(AssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


# --- Proposals ----------------------------------------------------------------------------

PROPOSALS = has_any(TaskforceCap.TASKFORCE_VIEW_ALL_WORK, TaskforceCap.TASKFORCE_PROPOSE)


class ProposalInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()


class ProposalListApi(APIView):
    """Proposals the user may see; POST sends one to the leader (active members)."""

    permission_classes = [IsAuthenticated, PROPOSALS]

    @extend_schema(
        responses=paginated(ProposalOutput, "PaginatedProposalOutputList"),
        parameters=[PAGE],
        operation_id="taskforce_proposals_list",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.proposals_visible_to(request.user).prefetch_related("assignments")
        paginator = generics.GenericAPIView.pagination_class()  # type: ignore[misc]
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ProposalOutput(page, many=True).data)

    @extend_schema(request=ProposalInput, responses={201: ProposalOutput})
    def post(self, request: Request) -> Response:
        if selectors.seat_of(request.user) is None or not user_can(
            request.user, TaskforceCap.TASKFORCE_PROPOSE
        ):
            raise PermissionDenied
        data = ProposalInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.proposal_submit(
            actor=request.user, title=data.validated_data["title"], body=data.validated_data["body"]
        )
        return Response(ProposalOutput(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDecisionInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Proposal.Status.ACCEPTED, Proposal.Status.REJECTED, Proposal.Status.NEEDS_INFO]
    )
    response = serializers.CharField()


class ProposalDecisionApi(APIView):
    """The leader's decision on a proposal."""

    permission_classes = [IsAuthenticated, has_any(TaskforceCap.TASKFORCE_DECIDE)]

    @extend_schema(request=ProposalDecisionInput, responses=ProposalOutput)
    def post(self, request: Request, pk: int) -> Response:
        proposal = selectors.proposal_detail(request.user, pk)
        if not services.is_leader(request.user):
            raise PermissionDenied
        data = ProposalDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.proposal_decide(
            actor=request.user,
            proposal=proposal,
            status=data.validated_data["status"],
            response=data.validated_data["response"],
        )
        return Response(ProposalOutput(proposal).data)
