from django.urls import path

from checkpoints import api

app_name = "checkpoints-api"

urlpatterns = [
    path("checkpoints/", api.CheckpointListApi.as_view(), name="checkpoint-list"),
    path("checkpoints/<int:pk>/decision/", api.CheckpointDecisionApi.as_view(), name="checkpoint-decision"),
    path("checkpoints/<int:pk>/staff-checkins/", api.StaffCheckinApi.as_view(), name="staff-checkin"),
    path("checkins/", api.CheckinApi.as_view(), name="checkin"),
    path("checkins/checkout/", api.CheckoutApi.as_view(), name="checkout"),
    path("tracing/", api.TracingApi.as_view(), name="tracing"),
]
