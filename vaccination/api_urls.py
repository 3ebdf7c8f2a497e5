from django.urls import path

from vaccination import api

app_name = "vaccination-api"

urlpatterns = [
    path("vaccination/sites/", api.SiteListApi.as_view(), name="site-list"),
    path("vaccination/sessions/", api.SessionListApi.as_view(), name="session-list"),
    path(
        "vaccination/sessions/<int:pk>/appointments/",
        api.SessionAppointmentsApi.as_view(),
        name="session-appointments",
    ),
    path("vaccination/doses/", api.DoseListApi.as_view(), name="dose-list"),
    path("vaccination/doses/<int:pk>/aefi/", api.AefiReportApi.as_view(), name="dose-aefi"),
    path("vaccination/aefi/", api.AefiListApi.as_view(), name="aefi-list"),
]
