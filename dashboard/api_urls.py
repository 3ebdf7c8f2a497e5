from django.urls import path, re_path

from dashboard import api

app_name = "dashboard-api"

CODE = r"(?P<code>[0-9A-Za-z]{1,12})"

urlpatterns = [
    path("public/series/", api.SeriesApi.as_view(), name="series"),
    path("public/series.csv", api.SeriesCsvApi.as_view(), name="series-csv"),
    path("public/units/", api.UnitsApi.as_view(), name="units"),
    path("public/units.csv", api.UnitsCsvApi.as_view(), name="units-csv"),
    re_path(rf"^public/units/{CODE}/$", api.UnitApi.as_view(), name="unit"),
    re_path(rf"^public/units/{CODE}\.csv$", api.UnitCsvApi.as_view(), name="unit-csv"),
    path("public/health/", api.HealthApi.as_view(), name="health"),
    re_path(r"^public/health/(?P<section>[a-z]{1,20})\.csv$", api.HealthCsvApi.as_view(), name="health-csv"),
]
