from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("portal/bao-ve-du-lieu/truy-cap/", views.access_reports, name="access-reports"),
    path("portal/bao-ve-du-lieu/truy-cap/<int:pk>/", views.access_report, name="access-report"),
    path(
        "portal/bao-ve-du-lieu/truy-cap/<int:pk>/tai-ve.<str:fmt>",
        views.access_report_export,
        name="access-report-export",
    ),
    path("portal/bao-ve-du-lieu/yeu-cau/", views.requests, name="requests"),
    path("portal/bao-ve-du-lieu/yeu-cau/<int:pk>/", views.request_detail, name="request"),
    path("portal/bao-ve-du-lieu/yeu-cau/<int:pk>/du-lieu.json", views.request_export, name="request-export"),
    path("portal/bao-ve-du-lieu/yeu-cau/<int:pk>/tra-loi/", views.request_answer, name="request-answer"),
    path("portal/bao-ve-du-lieu/yeu-cau/<int:pk>/xoa/", views.request_erase, name="request-erase"),
]
