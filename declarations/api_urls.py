from django.urls import path

from declarations import api

app_name = "declarations-api"

urlpatterns = [
    path("declarations/", api.TravelDeclarationApi.as_view(), name="travel-declaration"),
]
