"""The signed EU DCC test certificate of a result (issue 18 point 8), for the citizen after the
citizen check; issued once, downloaded again when lost."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certificates.dcc import payload
from certificates.models import IssuedCertificate
from certificates.services import certificate_issue
from core.actors import SystemActor
from testing.models import LabResult, Outcome, Sample, TestKind
from testing.services._common import Actor

ISSUER = SystemActor("service:testing_result_certificate")


def result_certificate(*, actor: Actor, sample: Sample) -> IssuedCertificate:
    """The sample's certificate, signed on first request (by the portal: the citizen holds no
    capability; the caller has checked the citizen). Its one audit row is ``certificate.issue``;
    a repeated download writes none here (the view logs the download)."""
    if sample.certificate_id:
        return sample.certificate  # type: ignore[return-value]
    result = LabResult.objects.filter(sample=sample).first()
    if result is None or result.outcome == Outcome.INCONCLUSIVE:
        raise ValidationError(_("Mẫu này chưa có kết quả để cấp chứng nhận."))
    if sample.test_kind != TestKind.RT_PCR:
        # A rapid antigen certificate needs the test device's EU code, which is not recorded.
        raise ValidationError(_("Chứng nhận chỉ cấp cho kết quả RT-PCR."))
    with transaction.atomic():
        sample = Sample.objects.select_for_update().select_related("site", "person").get(pk=sample.pk)
        if sample.certificate_id:
            return sample.certificate  # type: ignore[return-value]
        issued = certificate_issue(
            actor=ISSUER,
            person=sample.person,
            kind=IssuedCertificate.Kind.TEST,
            entry=payload.test_entry(
                test_type=payload.NAAT,
                result=payload.DETECTED if result.outcome == Outcome.POSITIVE else payload.NOT_DETECTED,
                sampled_at=sample.collected_at,
                centre=sample.site.name[:80],
                name="RT-PCR",
            ),
        )
        Sample.objects.filter(pk=sample.pk).update(certificate=issued)
    return issued
