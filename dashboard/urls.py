from django.urls import path, re_path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("tinh-hinh-dich/", views.home, name="home"),
    path("tinh-hinh-dich/ngon-ngu/", views.language, name="language"),
    path("tinh-hinh-dich/noi-xet-nghiem-tiem-chung/", views.places, name="places"),
    re_path(r"^tinh-hinh-dich/don-vi/(?P<code>[0-9A-Za-z]{1,12})/$", views.unit, name="unit"),
]
