from django.urls import path

from taskforce import views

app_name = "taskforce"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("conclusions/<int:pk>/assign/", views.conclusion_assign, name="conclusion-assign"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path(
        "assignments/<int:pk>/updates/<int:update_id>/attachment/",
        views.update_attachment,
        name="update-attachment",
    ),
    path("decisions/<int:pk>/document/", views.decision_document, name="decision-document"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("adoption/", views.adoption, name="adoption"),
    path("adoption/report/", views.report_submit, name="report-submit"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("calendar/reset/", views.calendar_reset, name="calendar-reset"),
]
