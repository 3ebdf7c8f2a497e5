from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    # Public: no login.
    path("chung-nhan/kiem-tra/", views.verify_public, name="verify"),
    # Officials.
    path("portal/certificates/verify/", views.verify_staff, name="staff-verify"),
    path("portal/certificates/trust-list/", views.trust_list, name="trust-list"),
    path("portal/certificates/trust-list/<int:pk>/remove/", views.signer_remove, name="signer-remove"),
    path("portal/certificates/", views.issued_list, name="issued"),
    path("portal/certificates/<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("portal/certificates/<int:pk>/revoke/", views.certificate_revoke, name="revoke"),
]
