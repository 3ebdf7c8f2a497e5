"""Demo data: the province's demo signer in the trust list and two certificates to try on the
verification page (printed as PDFs into var/dcc/). Idempotent."""

import datetime
import hashlib
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils import timezone

from certificates import pdf, services
from certificates.dcc import payload
from certificates.models import IssuedCertificate, SignerCertificate
from certificates.signing import province_signer
from core.actors import DEMO
from core.models import Person


def load(*, stdout: Any) -> None:
    signer = province_signer()
    der = signer.certificate.public_bytes(serialization.Encoding.DER)
    if not SignerCertificate.objects.filter(
        fingerprint=hashlib.sha256(der).hexdigest(), active=True
    ).exists():
        services.signer_upload(
            actor=DEMO,
            data=signer.certificate.public_bytes(serialization.Encoding.PEM),
            country="VN",
            own_province=True,
        )
    person = Person.objects.filter(full_name="Lê Thị Bình").first()
    if person is None or IssuedCertificate.objects.filter(person=person).exists():
        stdout.write("Chứng nhận COVID-19 minh họa: đã có, bỏ qua.")
        return
    vaccination = services.certificate_issue(
        actor=DEMO,
        person=person,
        kind="vaccination",
        entry=payload.vaccination_entry(
            product="EU/1/20/1528",
            manufacturer="ORG-100030215",
            prophylaxis="1119349007",
            dose=2,
            doses=2,
            date=datetime.date(2021, 10, 5),
        ),
    )
    test = services.certificate_issue(
        actor=DEMO,
        person=person,
        kind="test",
        entry=payload.test_entry(
            test_type=payload.NAAT,
            result=payload.NOT_DETECTED,
            sampled_at=timezone.now() - datetime.timedelta(hours=5),
            centre="Trung tâm Kiểm soát bệnh tật tỉnh",
            name="RT-PCR",
        ),
    )
    folder = Path(settings.VAR_DIR) / "dcc"
    for certificate in (vaccination, test):
        (folder / f"demo-{certificate.kind}.pdf").write_bytes(pdf.certificate_pdf(certificate))
    stdout.write(f"Chứng nhận COVID-19 minh họa: {folder}/demo-vaccination.pdf, demo-test.pdf")
