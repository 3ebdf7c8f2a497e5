"""Adverse events following immunization (AEFI): reported by the site or by the person; a serious
event alerts the unit's officials and the Department of Health at once, through the gateway."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import SystemActor, is_visitor
from core.audit import audit
from core.models import AdministrativeUnit, OutboundMessage, UserScope
from core.recovery import enqueue_on_commit
from core.roles import Role
from core.services import message_send
from vaccination import selectors
from vaccination.capabilities import VaccinationCap
from vaccination.models import AdverseEvent, Dose
from vaccination.services._common import Actor, human, require


def aefi_report(
    *,
    actor: Actor,
    dose: Dose,
    onset_at: datetime.datetime,
    symptoms: str,
    seriousness: str,
    outcome: str = AdverseEvent.Outcome.UNKNOWN,
) -> AdverseEvent:
    """Site staff report for doses at their sites; the person for their own dose (the caller
    passed the citizen check and hands the dose found by it)."""
    by_person = is_visitor(actor)
    if not by_person:
        require(actor, VaccinationCap.ADMINISTER)
        dose = selectors.access_dose(actor, dose.pk)
    symptoms = " ".join(symptoms.split())
    if not symptoms:
        raise ValidationError(_("Vui lòng mô tả triệu chứng."))
    if seriousness not in AdverseEvent.Seriousness.values or outcome not in AdverseEvent.Outcome.values:
        raise ValidationError(_("Vui lòng chọn mức độ và diễn biến."))
    # Forms give minutes: an onset in the minute of the injection is after it.
    earliest = dose.administered_at.replace(second=0, microsecond=0)
    if onset_at < earliest or onset_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(_("Thời điểm khởi phát phải sau khi tiêm và không ở tương lai."))
    with transaction.atomic():
        event = AdverseEvent.objects.create(
            dose=dose,
            channel=AdverseEvent.Channel.PERSON if by_person else AdverseEvent.Channel.SITE,
            onset_at=onset_at,
            symptoms=symptoms[:500],
            seriousness=seriousness,
            outcome=outcome,
            reported_by=human(actor),
        )
        audit(
            actor=actor,
            action="aefi.report",
            target=event,
            details={"dose_id": dose.pk, "lot_id": dose.lot_id, "seriousness": seriousness},
        )
        if event.is_serious:
            from vaccination.tasks import alert_serious_aefi

            # A broker down at commit: the recovery sweep sends it (vaccination/recovery.py).
            enqueue_on_commit(alert_serious_aefi, event.pk)
    return event


def aefi_classify(*, actor: Actor, event: AdverseEvent, causality: str, outcome: str = "") -> AdverseEvent:
    """The causality assessment (WHO categories) and the outcome once known."""
    require(actor, VaccinationCap.ADMINISTER)
    selectors.access_dose(actor, event.dose_id)
    if causality not in AdverseEvent.Causality.values:
        raise ValidationError(_("Phân loại nguyên nhân không hợp lệ."))
    if outcome and outcome not in AdverseEvent.Outcome.values:
        raise ValidationError(_("Diễn biến không hợp lệ."))
    with transaction.atomic():
        event = AdverseEvent.objects.select_for_update().get(pk=event.pk)
        before = {"causality": event.causality, "outcome": event.outcome}
        event.causality = causality
        event.outcome = outcome or event.outcome
        event.save(update_fields=["causality", "outcome"])
        audit(
            actor=actor,
            action="aefi.classify",
            target=event,
            details={"before": before, "after": {"causality": event.causality, "outcome": event.outcome}},
        )
    return event


def aefi_alert_recipients(event: AdverseEvent) -> list[str]:
    """District officials whose scope covers the site, and the Department of Health's addresses."""
    unit: AdministrativeUnit | None = event.dose.site.unit
    ancestors = []
    while unit is not None:
        ancestors.append(unit.pk)
        unit = unit.parent
    officials = (
        get_user_model()
        .objects.filter(
            groups__name=Role.DISTRICT_OFFICIAL,
            is_active=True,
            scope__in=UserScope.objects.filter(units__in=ancestors),
        )
        .exclude(email="")
    )
    return sorted(set(officials.values_list("email", flat=True)) | set(settings.AEFI_ALERT_EMAILS))


def aefi_alert_send(*, event_id: int) -> list[OutboundMessage]:
    """Claims the event (sent once, also when the task is retried), then one email per recipient;
    each message is audited by the gateway (``message.queue``)."""
    with transaction.atomic():
        claimed = AdverseEvent.objects.filter(pk=event_id, alerted_at__isnull=True).update(
            alerted_at=timezone.now()
        )
        if not claimed:
            return []
        event = AdverseEvent.objects.select_related("dose__site__unit", "dose__lot", "dose__vaccine").get(
            pk=event_id
        )
        body = _(
            "Phản ứng nghiêm trọng sau tiêm (mã %(id)s): %(seriousness)s. Điểm tiêm %(site)s, "
            "vắc xin %(vaccine)s, lô %(lot)s, khởi phát %(onset)s. Xem chi tiết trên cổng cán bộ."
        ) % {
            "id": event.pk,
            "seriousness": event.get_seriousness_display(),
            "site": event.dose.site.name,
            "vaccine": event.dose.vaccine.name,
            "lot": event.dose.lot.number,
            "onset": f"{timezone.localtime(event.onset_at):%H:%M %d/%m/%Y}",
        }
        return [
            message_send(
                actor=SystemActor("celery:alert_serious_aefi"),
                channel=OutboundMessage.Channel.EMAIL,
                recipient=email,
                subject=_("Cảnh báo phản ứng nghiêm trọng sau tiêm"),
                body=body,
                purpose="vaccination.aefi_serious",
            )
            for email in aefi_alert_recipients(event)
        ]
