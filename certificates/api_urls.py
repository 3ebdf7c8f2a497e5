from django.urls import path

from certificates import api

app_name = "certificates-api"

urlpatterns = [
    path("certificates/verify/", api.VerifyApi.as_view(), name="verify"),
]
