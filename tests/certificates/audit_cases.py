"""Audit cases of the certificates services (tests/core/test_audit.py runs them)."""

from certificates import services
from certificates.signing import province_signer
from core import services as core_services
from tests.actors import SYSTEM
from tests.certificates.conftest import make_certificate, pem, rt_pcr
from tests.core.fixtures import person_data

NOT_SERVICES = {"certificates.services.kid_text"}  # pure formatting


def _issue(ctx):
    person = core_services.person_create(actor=SYSTEM, data=person_data())
    return lambda: services.certificate_issue(actor=SYSTEM, person=person, kind="test", entry=rt_pcr())


def _revoke(ctx):
    certificate = _issue(ctx)()
    return lambda: services.certificate_revoke(actor=SYSTEM, certificate=certificate, reason="sai")


def _remove(ctx):
    signer = services.signer_upload(actor=SYSTEM, data=pem(province_signer().certificate), country="VN")
    return lambda: services.signer_remove(actor=SYSTEM, signer=signer)


SERVICE_CASES = {
    "certificates.services.signer_upload": lambda ctx: (
        lambda: services.signer_upload(actor=SYSTEM, data=pem(make_certificate()[1]), country="VN")
    ),
    "certificates.services.signer_remove": _remove,
    "certificates.services.certificate_issue": _issue,
    "certificates.services.certificate_revoke": _revoke,
}
