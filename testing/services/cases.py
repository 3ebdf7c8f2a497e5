"""Confirmed cases and the outbreak loop (issue point 6): a positive result confirms a case;
an epidemiologist traces it through the checkpoints, marks F1s, and notifies them; each F1
gets a testing task whose sample closes it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkpoints import selectors as checkpoint_selectors
from core.audit import audit
from core.models import OutboundMessage, Person
from core.services import message_send
from testing.capabilities import TestingCap
from testing.models import Campaign, Case, Contact, Outcome, Sample, SamplingSite, SamplingTask, TestKind
from testing.services._common import Actor, human, in_scope, is_system, require


def confirms(sample: Sample, outcome: str) -> bool:
    """A positive RT-PCR confirms a case; a positive rapid antigen test only where configured
    (docs/domain.md §5: Decision 2022/QĐ-BYT, antigen tests are supportive)."""
    if outcome != Outcome.POSITIVE:
        return False
    return sample.test_kind == TestKind.RT_PCR or settings.TESTING_ANTIGEN_CONFIRMS


def confirm_from_results(items: list[tuple[Sample, str, datetime.datetime]]) -> list[Case]:
    """A step of the result services (their audit row names the cases): each result that
    confirms (``confirms``) gives the person's case, created by the person's first confirming
    result in the order given, or the existing one (the earliest confirmation keeps its date).
    Set-based: three queries for any number of results."""
    positives = [(s, at) for s, outcome, at in items if confirms(s, outcome)]
    if not positives:
        return []
    sites = {s.pk: s for s in SamplingSite.objects.filter(pk__in={s.site_id for s, _at in positives})}
    cases = {c.person_id: c for c in Case.objects.filter(person_id__in={s.person_id for s, _at in positives})}
    new: list[Case] = []
    confirmed: list[Case] = []
    for sample, at in positives:
        case = cases.get(sample.person_id)
        if case is None:
            site = sites[sample.site_id]
            case = Case(
                person_id=sample.person_id,
                unit_id=site.unit_id,
                confirmed_on=timezone.localdate(at),
                source=sample,
                found_in=site.setting,
            )
            cases[sample.person_id] = case
            new.append(case)
        confirmed.append(case)
    Case.objects.bulk_create(new)
    return confirmed


def confirm_from_result(sample: Sample, outcome: str, resulted_at: datetime.datetime) -> Case | None:
    """One result's case (``confirm_from_results`` for one)."""
    found = confirm_from_results([(sample, outcome, resulted_at)])
    return found[0] if found else None


def trace_window(case: Case) -> tuple[datetime.datetime, datetime.datetime]:
    """From ``TESTING_TRACE_DAYS_BEFORE`` days before the confirming sample (or the confirmation
    day) to now (unverified period, docs/testing.md)."""
    source = Sample.objects.filter(pk=case.source_id).first() if case.source_id else None
    start = (
        source.collected_at
        if source
        else timezone.make_aware(datetime.datetime.combine(case.confirmed_on, datetime.time.min))
    )
    return start - datetime.timedelta(days=settings.TESTING_TRACE_DAYS_BEFORE), timezone.now()


def contacts_mark(
    *, actor: Actor, case: Case, person_ids: list[int], purpose: str, campaign: Campaign | None = None
) -> list[Contact]:
    """Marks people the case's tracing found as F1, each with a testing task (in ``campaign``
    when given). A user may mark only people the tracing shows them (their scope)."""
    require(actor, TestingCap.CASES)
    in_scope(actor, case.unit)
    if not purpose.strip():
        raise ValidationError(_("Vui lòng ghi mục đích truy vết."))
    wanted = sorted(set(person_ids) - {case.person_id})
    if not wanted:
        raise ValidationError(_("Vui lòng chọn ít nhất một người tiếp xúc."))
    if not is_system(actor):
        start, end = trace_window(case)
        result = checkpoint_selectors.trace_case(actor, person_id=case.person_id, start=start, end=end)
        traced = {c["person_id"] for c in result.contacts}
        if set(wanted) - traced:
            raise ValidationError(_("Chỉ đánh dấu F1 những người có trong kết quả truy vết."))
    if campaign is not None:
        in_scope(actor, campaign.unit)
    with transaction.atomic():
        existing = set(
            Contact.objects.filter(case=case, person_id__in=wanted).values_list("person_id", flat=True)
        )
        people = {p.pk: p for p in Person.objects.filter(pk__in=wanted)}
        contacts = Contact.objects.bulk_create(
            [
                Contact(case=case, person_id=pk, purpose=purpose.strip()[:300], marked_by=human(actor))
                for pk in wanted
                if pk not in existing and pk in people
            ]
        )
        SamplingTask.objects.bulk_create(
            [
                SamplingTask(
                    person_id=c.person_id,
                    reason=SamplingTask.Reason.CONTACT,
                    contact=c,
                    campaign=campaign,
                    unit_id=people[c.person_id].address_unit_id or case.unit_id,
                )
                for c in contacts
            ]
        )
        audit(
            actor=actor,
            action="contact.mark",
            target=Contact,
            target_ids=[c.pk for c in contacts] or ["none"],
            reason=purpose,
            details={"case_id": case.pk, "person_ids": [c.person_id for c in contacts]},
        )
    return contacts


def notice_text(contact: Contact) -> str:
    task = contact.tasks.select_related("campaign").first()
    where = (
        _("tại các điểm lấy mẫu của đợt %(name)s") % {"name": task.campaign.name}
        if task and task.campaign
        else _("tại trạm y tế xã, phường nơi bạn ở")
    )
    return _(
        "[%(province)s] Bạn là người tiếp xúc gần (F1) với một ca bệnh COVID-19. Vui lòng ở tại nhà, "
        "tự theo dõi sức khỏe, hạn chế tiếp xúc, và đi xét nghiệm %(where)s. "
        "Gọi 1900 9095 nếu có triệu chứng."
    ) % {"province": settings.PROVINCE_NAME, "where": where}


def contact_notify(*, actor: Actor, contact: Contact) -> OutboundMessage:
    """Tells an F1 what to do and where to test, by SMS through the gateway. Its one audit row is
    the message's (``message.queue``, purpose ``testing.f1_notice``)."""
    require(actor, TestingCap.CASES)
    in_scope(actor, contact.case.unit)
    person = Person.objects.get(pk=contact.person_id)
    if not person.phone:
        raise ValidationError(_("Người này không có số điện thoại: hãy báo trực tiếp."))
    with transaction.atomic():
        message = message_send(
            actor=actor,
            channel=OutboundMessage.Channel.SMS,
            recipient=person.phone,
            body=notice_text(contact),
            purpose="testing.f1_notice",
        )
        Contact.objects.filter(pk=contact.pk).update(notified_at=timezone.now())
    return message


def result_text(sample: Sample) -> str:
    result = sample.result
    return _("[%(province)s] Kết quả xét nghiệm mẫu %(code)s lấy ngày %(day)s: %(outcome)s.") % {
        "province": settings.PROVINCE_NAME,
        "code": sample.code,
        "day": timezone.localtime(sample.collected_at).strftime("%d/%m/%Y"),
        "outcome": result.get_outcome_display(),
    }


def result_send(*, actor: Actor, sample: Sample) -> OutboundMessage:
    """Sends a result by SMS to the phone on record (never to a number the requester types).
    Its one audit row is the message's (``message.queue``, purpose ``testing.result``)."""
    person = Person.objects.get(pk=sample.person_id)
    if not person.phone:
        raise ValidationError(_("Không có số điện thoại để gửi kết quả."))
    if not hasattr(sample, "result"):
        raise ValidationError(_("Mẫu này chưa có kết quả."))
    with transaction.atomic():
        return message_send(
            actor=actor,
            channel=OutboundMessage.Channel.SMS,
            recipient=person.phone,
            body=result_text(sample),
            purpose="testing.result",
        )
