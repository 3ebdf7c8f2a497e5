"""Officials' pages: register, approve, operators, QR downloads; operators' scanning and
paper entry. Identities shown here are masked (Decision 2666/QĐ-BYT)."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checkpoints import intake, qr, selectors, services
from checkpoints.capabilities import CheckpointCap
from checkpoints.forms import CheckpointForm, DecisionForm, PaperForm, ScanForm
from checkpoints.models import CheckIn, Checkpoint
from checkpoints.qrpayload import QrPayloadError, ScannedIdentity, id_number_warnings, parse
from core.bounds import parse_id
from core.collation import vi_order
from core.decorators import capability_required
from core.masking import mask_name
from core.roles import user_can
from core.services import PersonData, person_find_match
from core.widgets import refresh_requested
from declarations.data import DeclarationData
from declarations.forms import initial_from

VIEWERS = (CheckpointCap.VIEW_CHECKPOINTS, CheckpointCap.OPERATE_CHECKPOINTS)


def visit_url(request: HttpRequest, checkpoint: Checkpoint) -> str:
    return request.build_absolute_uri(reverse("checkpoints:visit", kwargs={"token": checkpoint.qr_token}))


@capability_required(*VIEWERS)
@require_GET
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    checkpoints = selectors.checkpoints_visible_to(user).order_by("status", vi_order("name"), "id")[:500]
    return render(
        request,
        "checkpoints/portal/list.html",
        {
            "checkpoints": checkpoints,
            "can_register": user_can(user, CheckpointCap.REGISTER_CHECKPOINTS),
            "figures": selectors.adoption_figures()
            if user_can(user, CheckpointCap.VIEW_CHECKPOINTS)
            else None,
            "silent": (
                selectors.silent_checkpoints_named(user=user)
                if user_can(user, CheckpointCap.VIEW_CHECKPOINTS)
                else None
            ),
            "silent_days": settings.SILENT_CHECKPOINT_DAYS,
        },
    )


@capability_required(CheckpointCap.REGISTER_CHECKPOINTS)
@require_http_methods(["GET", "POST"])
def checkpoint_register(request: HttpRequest) -> HttpResponse:
    form = CheckpointForm(request.POST or None, user=request.user)
    if request.method == "POST" and refresh_requested(request.POST):
        # No-JS round trip: the next level of the ward choice, everything typed kept.
        form = CheckpointForm(initial=request.POST.dict(), user=request.user)
    elif request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Đã đăng ký điểm kiểm dịch; chờ UBND huyện hoặc cơ quan thường trực duyệt.")
            )
            return redirect("checkpoints:detail", pk=checkpoint.pk)
    return render(request, "checkpoints/portal/register.html", {"form": form})


@capability_required(*VIEWERS)
@require_GET
def checkpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    checkpoint = selectors.access_checkpoint(user, pk)
    manageable = selectors.checkpoints_manageable_by(user).filter(pk=pk).exists()
    return render(
        request,
        "checkpoints/portal/detail.html",
        {
            "checkpoint": checkpoint,
            "manageable": manageable,
            "approvable": selectors.checkpoints_approvable_by(user).filter(pk=pk).exists(),
            "operates": selectors.checkpoints_operated_by(user).filter(pk=pk).exists(),
            "operators": checkpoint.operators.order_by("username"),
            "candidates": selectors.checkpoint_operator_candidates(checkpoint) if manageable else [],
            "recent": selectors.checkins_masked(checkpoint),
            "url": visit_url(request, checkpoint),
            "decision_form": DecisionForm(),
        },
    )


@capability_required(CheckpointCap.APPROVE_CHECKPOINTS)
@require_POST
def checkpoint_decide(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.access_checkpoint(
        request.user, pk, selectors.checkpoints_approvable_by(request.user)
    )
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.checkpoint_decide(
            actor=request.user,
            checkpoint=checkpoint,
            approve=bool(form.cleaned_data.get("approve")),
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã lưu quyết định."))
    return redirect("checkpoints:detail", pk=pk)


@capability_required(CheckpointCap.REGISTER_CHECKPOINTS)
@require_POST
def checkpoint_operators(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.access_checkpoint(
        request.user, pk, selectors.checkpoints_manageable_by(request.user)
    )
    ids = [parse_id(i) for i in request.POST.getlist("operators")]
    operators = list(
        selectors.checkpoint_operator_candidates(checkpoint).filter(pk__in=[i for i in ids if i is not None])
    )
    try:
        services.checkpoint_operators_set(actor=request.user, checkpoint=checkpoint, operators=operators)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật nhân viên quét mã."))
    return redirect("checkpoints:detail", pk=pk)


@capability_required(CheckpointCap.REGISTER_CHECKPOINTS)
@require_POST
def checkpoint_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.access_checkpoint(
        request.user, pk, selectors.checkpoints_manageable_by(request.user)
    )
    services.checkpoint_qr_reissue(actor=request.user, checkpoint=checkpoint)
    messages.success(request, _("Đã thu hồi mã QR cũ và cấp mã mới. Vui lòng in và dán lại áp phích."))
    return redirect("checkpoints:detail", pk=pk)


def _approved(request: HttpRequest, pk: int) -> Checkpoint:
    checkpoint = selectors.access_checkpoint(request.user, pk)
    if checkpoint.status != Checkpoint.Status.APPROVED:
        raise PermissionDenied(_("Điểm kiểm dịch chưa được duyệt nên chưa có mã QR."))
    return checkpoint


@capability_required(*VIEWERS)
@require_GET
def qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = _approved(request, pk)
    response = HttpResponse(qr.qr_png(visit_url(request, checkpoint)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="qr-diem-{checkpoint.pk}.png"'
    return response


@capability_required(*VIEWERS)
@require_GET
def qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = _approved(request, pk)
    response = HttpResponse(qr.qr_svg(visit_url(request, checkpoint)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="qr-diem-{checkpoint.pk}.svg"'
    return response


@capability_required(*VIEWERS)
@require_GET
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = _approved(request, pk)
    response = HttpResponse(
        qr.poster_pdf(checkpoint, visit_url(request, checkpoint)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="ap-phich-diem-{checkpoint.pk}.pdf"'
    return response


# --- Operators ----------------------------------------------------------------------------


def _operated(request: HttpRequest, pk: int) -> Checkpoint:
    return selectors.access_checkpoint(request.user, pk, selectors.checkpoints_operated_by(request.user))


def _scanned_person(identity: ScannedIdentity, form: ScanForm) -> PersonData:
    sex = identity.sex or form.cleaned_data.get("sex") or ""
    birth = identity.date_of_birth or form.cleaned_data.get("birth_date")
    return PersonData(
        full_name=identity.full_name,
        date_of_birth=birth,
        sex=sex or "unknown",
        id_number=identity.id_number,
        phone=form.cleaned_data.get("phone", ""),
        address_line=identity.address_text,  # the registered address printed on a chip ID card
    )


@capability_required(CheckpointCap.OPERATE_CHECKPOINTS)
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scanner types the payload and Enter; a complete code checks the visitor in at once,
    an incomplete one asks only for what is missing."""
    checkpoint = _operated(request, pk)
    if request.method == "GET":
        return render(
            request,
            "checkpoints/portal/scan.html",
            {"checkpoint": checkpoint, "form": ScanForm(), "submission": uuid.uuid4()},
        )
    form = ScanForm(request.POST)
    form.is_valid()
    context: dict[str, Any] = {"checkpoint": checkpoint, "form": form, "submission": _submission(request)}
    try:
        identity = parse(form.cleaned_data.get("payload", ""))
    except QrPayloadError as exc:
        context["error"] = str(exc)
        return render(request, "checkpoints/portal/scan.html", context, status=200)
    if not identity.sex and form.cleaned_data.get("sex"):
        identity.sex = form.cleaned_data["sex"]
    if not identity.date_of_birth and form.cleaned_data.get("birth_date"):
        identity.date_of_birth = form.cleaned_data["birth_date"]
    masked = mask_name(identity.full_name)
    if form.cleaned_data.get("direction") == "out":
        person = person_find_match(_scanned_person(identity, form))
        closed = (
            services.checkin_checkout(actor=request.user, checkpoint=checkpoint, person=person)
            if person
            else []
        )
        if closed:
            messages.success(request, _("Đã ghi nhận ra: %(name)s") % {"name": masked})
        else:
            messages.warning(
                request, _("Không tìm thấy lượt vào đang mở của %(name)s tại điểm này.") % {"name": masked}
            )
        return redirect("checkpoints:scan", pk=pk)
    missing = identity.missing()
    if missing:
        context.update({"identity": identity, "missing": missing, "masked": masked})
        return render(request, "checkpoints/portal/scan.html", context)
    warnings = id_number_warnings(
        identity.id_number,
        sex=identity.sex,
        birth_year=identity.date_of_birth.year if identity.date_of_birth else None,
    )
    try:
        rows = intake.submit(
            actor=request.user,
            checkpoint=checkpoint,
            declaration=DeclarationData(
                person=_scanned_person(identity, form),
                symptoms=form.cleaned_data.get("symptoms", []),
                exposures=form.cleaned_data.get("exposures", []),
            ),
            method=CheckIn.Method.STAFF,
            submission=_submission(request),
        )
    except services.SubmissionConflict as exc:
        context.update({"error": str(exc), "submission": uuid.uuid4()})
        return render(request, "checkpoints/portal/scan.html", context, status=409)
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "checkpoints/portal/scan.html", context)
    row = rows[0]
    text = _("Đã ghi nhận vào: %(name)s lúc %(time)s") % {
        "name": masked,
        "time": timezone.localtime(row.checked_in_at).strftime("%H:%M"),
    }
    if row.repeat:
        text = _repeat_text(masked, row)
    if row.risk != "none":
        messages.warning(request, text + " — " + _("CÓ DẤU HIỆU, đã báo cán bộ y tế."))
    else:
        messages.success(request, text)
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("checkpoints:scan", pk=pk)


def _repeat_text(name: str, row: CheckIn) -> str:
    """A repeat check-in (``services.checkins.repeat_visits``) stored nothing: say so."""
    return _("%(name)s đã vào lúc %(time)s: cùng lượt vào, không ghi thêm.") % {
        "name": name,
        "time": timezone.localtime(row.checked_in_at).strftime("%H:%M"),
    }


def _submission(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("submission", ""))
    except ValueError:
        return uuid.uuid4()


@capability_required(CheckpointCap.OPERATE_CHECKPOINTS)
@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Keyboard-only entry of paper forms: Tab through, Enter saves, the form comes back empty."""
    checkpoint = _operated(request, pk)
    form = PaperForm(request.POST or None)
    submission = _submission(request) if request.method == "POST" else uuid.uuid4()
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        try:
            rows = intake.submit(
                actor=request.user,
                checkpoint=checkpoint,
                declaration=form.declaration_data(),
                method=CheckIn.Method.PAPER,
                submission=submission,
                checked_in_at=form.cleaned_data["visited_at"],
            )
        except services.SubmissionConflict as exc:
            form.add_error(None, str(exc))
            submission = uuid.uuid4()  # what was typed stays; the next save is a new submission
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _repeat_text(mask_name(rows[0].person.full_name), rows[0])
                if rows[0].repeat
                else _("Đã lưu tờ khai của %(name)s (vào lúc %(time)s).")
                % {
                    "name": mask_name(rows[0].person.full_name),
                    "time": timezone.localtime(rows[0].checked_in_at).strftime("%H:%M %d/%m"),
                },
            )
            return redirect("checkpoints:paper", pk=pk)
    elif request.method == "POST" and "refresh" in request.POST:
        form = PaperForm(initial=initial_from(request.POST))
    return render(
        request,
        "checkpoints/portal/paper.html",
        {"checkpoint": checkpoint, "form": form, "submission": submission},
    )
