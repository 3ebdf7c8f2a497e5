"""Read-only admin of the trust list and of issued certificates; writes go through the portal
pages and the services."""

from typing import Any

from django.contrib import admin

from certificates import selectors
from certificates.capabilities import CertificateCap
from certificates.models import IssuedCertificate, SignerCertificate
from core.admin import ServiceAdmin


@admin.register(SignerCertificate)
class SignerCertificateAdmin(ServiceAdmin):
    view_cap = CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST
    list_display = ("country", "kid", "subject", "valid_until", "key_usage", "own_province", "active")
    list_filter = ("active", "own_province", "country")
    search_fields = ("kid", "subject")
    exclude = ("der",)

    @staticmethod
    def selector(user: Any) -> Any:
        return selectors.signers_visible_to(user)


@admin.register(IssuedCertificate)
class IssuedCertificateAdmin(ServiceAdmin):
    view_cap = CertificateCap.CERTIFICATES_ISSUE
    list_display = ("uvci", "kind", "issued_at", "expires_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("uvci",)
    raw_id_fields = ("person",)

    @staticmethod
    def selector(user: Any) -> Any:
        return selectors.issued_visible_to(user)
