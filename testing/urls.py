from django.urls import path

from testing.views import cases, lab, portal, public

app_name = "testing"

urlpatterns = [
    path("xet-nghiem/tra-cuu/", public.lookup, name="lookup"),
    path(
        "xet-nghiem/chung-nhan/<str:code>/xac-minh/",
        public.CertificateCheck.as_view(),
        name="certificate-check",
    ),
    path("xet-nghiem/chung-nhan/<str:code>/", public.certificate, name="certificate"),
    path("portal/testing/", portal.home, name="home"),
    path("portal/testing/setup/", portal.setup, name="setup"),
    path("portal/testing/sites/<int:pk>/collect/", portal.collect, name="collect"),
    path("portal/testing/sites/<int:pk>/labels.pdf", portal.label_sheet, name="label-sheet"),
    path("portal/testing/samples/<int:pk>/label.pdf", portal.label, name="label"),
    path("portal/testing/labs/<int:pk>/", lab.lab_work, name="lab"),
    path("portal/testing/statistics/", portal.statistics, name="statistics"),
    path("portal/testing/cases/", cases.case_list, name="cases"),
    path("portal/testing/cases/<int:pk>/", cases.case_detail, name="case"),
]
