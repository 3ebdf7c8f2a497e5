from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("new/", views.request_report, name="request"),
    path("<int:report_id>/", views.detail, name="detail"),
    path("<int:report_id>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:report_id>/download.<str:fmt>", views.download, name="download"),
]
