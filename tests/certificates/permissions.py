"""Permission-matrix rows of the certificates app."""

from certificates import services
from certificates.signing import province_signer
from core.roles import Role
from tests.actors import SYSTEM
from tests.certificates.conftest import pem, rt_pcr
from tests.test_permission_matrix import ALL, SIGNED_IN, SUPER, Url

TRUST_MANAGERS = {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT}
ISSUERS = {SUPER, Role.LAB_STAFF, Role.VACCINATION_STAFF}


def _signer(o):
    return {"pk": o["certificates.signercertificate"].pk}


def _issued(o):
    return {"pk": o["certificates.issuedcertificate"].pk}


URLS = {
    "certificates:verify": Url(allowed=ALL),
    "certificates:staff-verify": Url(allowed=SIGNED_IN),
    "certificates:trust-list": Url(allowed=TRUST_MANAGERS),
    # An empty POST is refused by the form for those allowed: the page again, nothing added.
    "certificates:signer-remove": Url(method="post", ok=302, allowed=TRUST_MANAGERS, kwargs=_signer),
    "certificates:issued": Url(allowed=ISSUERS),
    "certificates:pdf": Url(allowed=ISSUERS, kwargs=_issued),
    # An empty reason is refused for those allowed: back to the list with a message.
    "certificates:revoke": Url(method="post", ok=302, allowed=ISSUERS, kwargs=_issued),
    "certificates-api:verify": Url(method="post", ok=400, allowed=ALL),
}

ADMIN = {
    "certificates.signercertificate": {"view": TRUST_MANAGERS, "add": set(), "change": set()},
    "certificates.issuedcertificate": {"view": ISSUERS, "add": set(), "change": set()},
}


def objects(world):
    signer = services.signer_upload(
        actor=SYSTEM, data=pem(province_signer().certificate), country="VN", own_province=True
    )
    issued = services.certificate_issue(actor=SYSTEM, person=world["person"], kind="test", entry=rt_pcr())
    return {"certificates.signercertificate": signer, "certificates.issuedcertificate": issued}
