"""Top-level URLs. Each app brings its own ``urls.py`` with an ``app_name``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

urlpatterns = [
    # First: the check-ins (the JSON API and the visitor's pages under c/) resolve before the
    # other routes, the busiest requests of the portal (issue 16: 40-50 µs per check-in). Their
    # URLs overlap no other app's, so the order changes nothing else.
    path("api/v1/", include("checkpoints.api_urls")),
    path("", include("checkpoints.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("", include("dashboard.urls")),  # the public dashboard, resolved early (a rush of readers)
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", core_views.PortalLoginView.as_view(), name="login"),
    path("accounts/xac-thuc/", core_views.otp_verify, name="otp-verify"),
    path("accounts/xac-thuc/dang-ky/", core_views.otp_enrol, name="otp-enrol"),
    path("accounts/xac-thuc/ma-du-phong/", core_views.otp_recovery_codes, name="otp-recovery-codes"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # The public open data first: the URLs a rush of readers asks for are resolved first.
    path("api/v1/", include("dashboard.api_urls")),
    path("api/v1/", include("core.api_urls")),
    path("api/v1/", include("declarations.api_urls")),
    path("api/v1/", include("certificates.api_urls")),
    path("api/v1/", include("testing.api_urls")),
    path("api/v1/", include("vaccination.api_urls")),
    path("api/v1/taskforce/", include("taskforce.api_urls")),
    path("taskforce/", include("taskforce.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("reports/", include("reports.urls")),
    path("", include("core.urls")),
    path("", include("declarations.urls")),
    path("", include("certificates.urls")),
    path("", include("privacy.urls")),
    path("", include("testing.urls")),
    path("", include("vaccination.urls")),
    path("", include("epidemic.urls")),
]

# No route serves MEDIA_ROOT, in any mode: stored files leave only through views that check the
# user's right (core.files.protected_file_response).

handler500 = "core.outage.server_error"
