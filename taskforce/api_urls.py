from django.urls import path

from taskforce import api

app_name = "taskforce-api"

urlpatterns = [
    path("members/", api.MemberListApi.as_view(), name="member-list"),
    path("meetings/", api.MeetingListApi.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", api.MeetingDetailApi.as_view(), name="meeting-detail"),
    path("assignments/", api.AssignmentListApi.as_view(), name="assignment-list"),
    path("assignments/<int:pk>/", api.AssignmentDetailApi.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/progress/", api.AssignmentProgressApi.as_view(), name="assignment-progress"),
    path("proposals/", api.ProposalListApi.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/decision/", api.ProposalDecisionApi.as_view(), name="proposal-decision"),
]
