from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.portal_home, name="portal-home"),
    path("portal/luu-tru-du-lieu/", views.retention_policy, name="retention"),
    path("portal/mo-khoa-dang-nhap/", views.login_unlock, name="login-unlock"),
]
