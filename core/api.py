"""Read APIs of the shared app: administrative units (public, for address selects) and
organizations (scoped)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from core import selectors
from core.bounds import parse_id
from core.collation import vi_order
from core.models import AdministrativeUnit, Organization


class UnitOutput(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ("id", "code", "name", "level", "parent")


class UnitChildrenApi(generics.ListAPIView):
    """Children of a unit (provinces when ``parent`` is absent) in the active list."""

    permission_classes = [AllowAny]
    serializer_class = UnitOutput
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("parent", int, required=False)])
    def get(self, request: Request, *args: object, **kwargs: object):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AdministrativeUnit]:
        raw = self.request.query_params.get("parent")
        parent_id = parse_id(raw) if raw is not None else None
        if raw is not None and parent_id is None:
            # ``?parent=null`` or a number no unit can have: said, not read as "provinces".
            raise ValidationError({"parent": [_("Mã đơn vị hành chính không hợp lệ.")]})
        return selectors.unit_children(parent_id=parent_id).order_by(vi_order("name"), "id")


class OrganizationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ("id", "name", "short_name", "kind", "parent", "unit", "is_standing_agency", "is_active")


class OrganizationListApi(generics.ListAPIView):
    """Organizations the signed-in official may see."""

    serializer_class = OrganizationOutput

    def get_queryset(self) -> QuerySet[Organization]:
        return selectors.organizations_visible_to(self.request.user).order_by(vi_order("name"), "id")
