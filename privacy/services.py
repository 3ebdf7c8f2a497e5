"""Writes of the privacy app: the monthly access report, people's requests and their handling.

Each service checks its capability, runs in one transaction and writes one audit row."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import retention
from core import selectors as core_selectors
from core.actors import Actor, SystemActor, is_system, user_of
from core.audit import audit
from core.models import DuplicateCandidate, OutboundMessage, Person
from core.roles import Role, require_capability
from core.services import message_send
from core.services.merge import person_references
from privacy import selectors
from privacy.capabilities import PrivacyCap
from privacy.models import AccessReport, SubjectRequest


def _require_province_wide(actor: Actor, capability: str) -> None:
    require_capability(actor, capability)
    if not is_system(actor) and not core_selectors.is_unrestricted(actor):
        raise PermissionDenied(_("Chức năng này chỉ dành cho cán bộ có phạm vi toàn tỉnh."))


# --- the monthly access report ----------------------------------------------------------------


def access_report_generate(*, actor: Actor, month: datetime.date) -> AccessReport:
    """Freezes the access report of ``month`` from the audit log (made again: replaced)."""
    _require_province_wide(actor, PrivacyCap.ACCESS_REPORT)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError(_("Không thể lập báo cáo cho tháng chưa tới."))
    data = selectors.access_report_data(month)
    with transaction.atomic():
        report, created = AccessReport.objects.update_or_create(
            month=month,
            defaults={
                "generated_at": timezone.now(),
                "rule": data["rule"],
                "officials": data["officials"],
                "rows": data["rows"],
                "flagged": data["flagged"],
            },
        )
        audit(
            actor=actor,
            action="access_report.generate",
            target=report,
            details={
                "month": month.isoformat(),
                "officials": len(data["officials"]),
                "flagged": data["flagged"],
                "replaced": not created,
            },
        )
    return report


def access_report_notify(*, report_id: int) -> list[OutboundMessage]:
    """Tells every data-protection officer (active, with an e-mail address) that the report is
    ready, through the notification gateway; once per officer (a retried task sends no more).
    The message names the month and the number flagged, never a person."""
    report = AccessReport.objects.get(pk=report_id)
    purpose = f"access_report:{report.month:%Y-%m}"
    already = core_selectors.message_recipients(purpose=purpose)
    officers = (
        get_user_model()
        .objects.filter(groups__name=Role.DATA_PROTECTION_OFFICER, is_active=True)
        .exclude(email="")
    )
    actor = SystemActor("celery:monthly_access_report")
    if not officers.exists():
        with transaction.atomic():
            audit(
                actor=actor,
                action="access_report.undelivered",
                target=report,
                details={"reason": "no_officer"},
            )
        return []
    return [
        message_send(
            actor=actor,
            channel=OutboundMessage.Channel.EMAIL,
            recipient=officer.email,
            subject=_("Báo cáo truy cập dữ liệu cá nhân tháng %(month)s")
            % {"month": f"{report.month:%m/%Y}"},
            body=_(
                "Báo cáo truy cập dữ liệu cá nhân tháng %(month)s đã được lập: %(officials)s cán bộ đã "
                "xem dữ liệu cá nhân, %(flagged)s trường hợp cần xem xét. Xem trên cổng, mục "
                '"Báo cáo truy cập dữ liệu cá nhân".'
            )
            % {
                "month": f"{report.month:%m/%Y}",
                "officials": len(report.officials),
                "flagged": report.flagged,
            },
            purpose=purpose,
        )
        for officer in officers
        if officer.email not in already
    ]


# --- people's requests ------------------------------------------------------------------------------


def subject_request_record(
    *,
    actor: Actor,
    kind: str,
    person: Person | None,
    subject_name: str,
    requester: str,
    requester_name: str = "",
    identity_check: str,
    identity_note: str = "",
) -> SubjectRequest:
    """Records a request as received: who asked, how their identity was checked, and the
    person found (none: recorded as "no data found", which is the answer)."""
    _require_province_wide(actor, PrivacyCap.SUBJECT_REQUESTS)
    user = user_of(actor)
    if user is None:
        raise PermissionDenied(_("Yêu cầu phải do cán bộ tiếp nhận."))
    request = SubjectRequest(
        kind=kind,
        person_ref=person.pk if person else None,
        subject_name=subject_name.strip(),
        requester=requester,
        requester_name=requester_name.strip(),
        identity_check=identity_check,
        identity_note=identity_note.strip(),
        recorded_by=user,
    )
    if person is None:
        request.status = SubjectRequest.Status.NOT_FOUND
        request.handled_by, request.handled_at = user, timezone.now()
    request.full_clean()
    with transaction.atomic():
        request.save()
        audit(
            actor=actor,
            action="subject_request.record",
            target=request,
            details={
                "kind": kind,
                "person_id": request.person_ref,
                "requester": requester,
                "identity_check": identity_check,
                "status": request.status,
            },
        )
    return request


def _open_request(request: SubjectRequest, kind: str) -> Person:
    if request.kind != kind:
        raise ValidationError(_("Thao tác này không áp dụng cho loại yêu cầu này."))
    if request.status != SubjectRequest.Status.OPEN:
        raise ValidationError(_("Yêu cầu đã được xử lý."))
    person = (
        Person.objects.filter(pk=request.person_ref, merged_into__isnull=True).first()
        if request.person_ref is not None
        else None
    )
    if person is None:
        raise ValidationError(_("Không còn dữ liệu của người này."))
    return person


def subject_request_answer(*, actor: Actor, request: SubjectRequest) -> SubjectRequest:
    """Closes a request for the data held: the copy was handed over (counts recorded)."""
    _require_province_wide(actor, PrivacyCap.SUBJECT_REQUESTS)
    person = _open_request(request, SubjectRequest.Kind.ACCESS)
    data = selectors.person_data(person)
    with transaction.atomic():
        request.status = SubjectRequest.Status.DONE
        request.handled_by, request.handled_at = user_of(actor), timezone.now()
        request.outcome = {"exported": {label: len(rows) for label, rows in data["records"].items()}}
        request.save()
        audit(actor=actor, action="subject_request.answer", target=request, details=request.outcome)
    return request


def erasure_plan(person: Person) -> dict[str, dict[str, Any]]:
    """What a deletion would do, per model pointing at the person: ``delete`` when the data has a
    retention period (it is kept only as long as the purpose needs it, so it may go earlier at
    the person's request), ``keep`` with the legal basis when it is kept as a legal record (or
    has no retention rule yet: kept until one is registered)."""
    ids = [person.pk, *Person._base_manager.filter(merged_into=person).values_list("pk", flat=True)]
    plan: dict[str, dict[str, Any]] = {}
    for related, field in person_references():
        if related is Person:
            continue
        label = related._meta.label_lower
        count = related._base_manager.filter(**{f"{field}__in": ids}).count()
        if not count:
            continue
        categories = [c for c in retention.categories() if c.model.lower() == label]
        periodic = [c for c in categories if not c.kept]
        if periodic:
            plan[label] = {
                "action": "delete",
                "rows": count,
                "category": periodic[0].name,
                "order": periodic[0].order,
            }
        else:
            basis = (
                str(categories[0].legal_basis)
                if categories
                else _("Chưa có quy định lưu trữ cho loại dữ liệu này: giữ lại đến khi có.")
            )
            plan[label] = {
                "action": "keep",
                "rows": count,
                "category": categories[0].name if categories else "",
                "basis": basis,
            }
    return plan


def subject_request_erase(*, actor: Actor, request: SubjectRequest) -> SubjectRequest:
    """Deletes what the law allows of the person's data, keeps what is a legal record and says
    why. The person's row goes too when nothing kept points at it; otherwise it stays with its
    contact details (phone, address) removed, since the kept records do not need them."""
    _require_province_wide(actor, PrivacyCap.SUBJECT_REQUESTS)
    person = _open_request(request, SubjectRequest.Kind.ERASURE)
    plan = erasure_plan(person)
    ids = [person.pk, *Person._base_manager.filter(merged_into=person).values_list("pk", flat=True)]
    fields = {related._meta.label_lower: (related, field) for related, field in person_references()}
    with transaction.atomic():
        for label, step in sorted(plan.items(), key=lambda item: item[1].get("order", 0)):
            if step["action"] == "delete":
                related, field = fields[label]
                related._base_manager.filter(**{f"{field}__in": ids}).delete()
        kept = [label for label, step in plan.items() if step["action"] == "keep"]
        if kept:
            Person._base_manager.filter(pk__in=ids).update(
                phone="", phone_hash="", address_unit=None, address_line="", updated_at=timezone.now()
            )
            plan["core.person"] = {
                "action": "anonymise",
                "rows": len(ids),
                "basis": _(
                    "Giữ họ tên, ngày sinh, giấy tờ vì các hồ sơ phải lưu (%(kept)s) cần biết là của ai; "
                    "đã xóa số điện thoại và địa chỉ."
                )
                % {"kept": ", ".join(kept)},
            }
        else:
            DuplicateCandidate.objects.filter(person_id__in=ids).delete()
            DuplicateCandidate.objects.filter(other_id__in=ids).delete()
            Person._base_manager.filter(merged_into=person).delete()
            Person._base_manager.filter(pk=person.pk).delete()
            plan["core.person"] = {"action": "delete", "rows": len(ids)}
        request.status = SubjectRequest.Status.DONE
        request.handled_by, request.handled_at = user_of(actor), timezone.now()
        request.outcome = plan
        request.save()
        audit(
            actor=actor,
            action="subject_request.erase",
            target=request,
            details={
                "person_id": request.person_ref,
                "outcome": {label: [step["action"], step["rows"]] for label, step in plan.items()},
            },
        )
    return request
