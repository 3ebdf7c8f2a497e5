from django.urls import path

from epidemic import views

app_name = "epidemic"

urlpatterns = [
    path("portal/cap-do-dich/", views.overview, name="overview"),
    path("portal/cap-do-dich/don-vi/<int:pk>/", views.unit_detail, name="unit"),
    path("portal/cap-do-dich/nguong/", views.rules, name="rules"),
    path("portal/cap-do-dich/tinh-lai/", views.compute, name="compute"),
]
