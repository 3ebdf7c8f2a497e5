from django.urls import path

from core import api

app_name = "core-api"

urlpatterns = [
    path("units/", api.UnitChildrenApi.as_view(), name="unit-children"),
    path("organizations/", api.OrganizationListApi.as_view(), name="organization-list"),
]
