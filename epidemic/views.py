"""Officials' pages: the levels of a week (proposal beside the declared level, the criteria behind
each proposal, the map), a unit's page (declare a level, enter treatment capacity, upload a
boundary), the thresholds, and computing a week again."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import selectors as core_selectors
from core.decorators import capability_required
from core.models import AdministrativeUnit
from core.roles import user_can
from epidemic import maps, selectors, services
from epidemic.capabilities import EpidemicCap
from epidemic.forms import BoundaryForm, CapacityForm, DeclareForm, RulesForm, week_of
from epidemic.models import LevelAssessment

CHECK_LABELS = {
    "mobile_stations": _lazy("trạm y tế lưu động %(value)s (tối thiểu %(threshold)s)"),
    "bed_occupancy": _lazy("giường điều trị đang dùng %(value)s%% (tối đa %(threshold)s%%)"),
    "icu_beds": _lazy("giường ICU %(value)s/100.000 dân (tối thiểu %(threshold)s)"),
    "oxygen": _lazy("đủ oxy: %(value)s"),
}


def _local(value: Any) -> Any:
    """A stored decimal ("5.52") in the language's number format ("5,52" in Vietnamese)."""
    try:
        return formats.number_format(Decimal(value))
    except (TypeError, ValueError, ArithmeticError):
        return value


def describe(reason: dict[str, Any]) -> str:
    """One criterion of a proposal in words: its figure, its threshold, what it did."""
    reason = {k: _local(v) if isinstance(v, str) else v for k, v in reason.items()}
    kind = reason["criterion"]
    if kind == "cases":
        if reason.get("rate") is None:
            return (
                _("Tiêu chí 1: %(cases)s ca mới tại cộng đồng; chưa có dân số nên không tính được tỷ lệ.")
                % reason
            )
        return (
            _("Tiêu chí 1: %(cases)s ca mới tại cộng đồng, %(rate)s ca/100.000 dân/tuần → cấp %(level)s.")
            % reason
        )
    if kind == "coverage":
        values = {**reason, "older": reason["older_age"]}
        if reason["met"] is None:
            return _("Tiêu chí 2: chưa đủ số liệu dân số theo nhóm tuổi; không điều chỉnh.") % values
        text = (
            _(
                "Tiêu chí 2: %(adult_first_pct)s%% người từ 18 tuổi tiêm ít nhất 1 mũi "
                "(tối thiểu %(adult_min)s%%), %(older_full_pct)s%% người từ %(older)s tuổi tiêm đủ liều "
                "(tối thiểu %(older_min)s%%)"
            )
            % values
        )
        return text + (
            _(" → đạt.") if reason["met"] else _(" → chưa đạt, nâng %(n)s cấp.") % {"n": reason["effect"]}
        )
    checks = "; ".join(CHECK_LABELS[c["check"]] % c for c in reason.get("checks", []))
    if reason["met"] is None:
        return _("Tiêu chí 3: chưa nhập năng lực thu dung, điều trị; không điều chỉnh.")
    text = _("Tiêu chí 3: %(checks)s") % {"checks": checks}
    return text + (
        _(" → đáp ứng.")
        if reason["met"]
        else _(" → không đáp ứng, nâng %(n)s cấp.") % {"n": reason["effect"]}
    )


def _map(rows: list[dict[str, Any]], mode: str, week: datetime.date) -> dict[str, Any]:
    rules = selectors.rules_in_force(week + datetime.timedelta(days=6))
    boundaries = selectors.boundaries([r["unit"].pk for r in rows])
    units = []
    for row in rows:
        proposal = row["proposal"]
        level = row["declared"].level if row["declared"] else None
        if mode == "proposal":
            level = proposal.level if proposal else None
        units.append(
            {
                "code": row["unit"].code,
                "name": row["unit"].name,
                "href": reverse("epidemic:unit", kwargs={"pk": row["unit"].pk}),
                "level": level,
                "rate": float(proposal.rate) if proposal and proposal.rate is not None else None,
                "polygons": boundaries.get(row["unit"].pk),
            }
        )
    titles = {
        "rate": _("Ca mới tại cộng đồng/100.000 dân, tuần từ %(week)s"),
        "proposal": _("Cấp độ đề xuất, tuần từ %(week)s"),
        "level": _("Cấp độ dịch đã công bố"),
    }
    return maps.draw(
        units,
        mode="rate" if mode == "rate" else "level",
        thresholds=[rules.rate_level2, rules.rate_level3, rules.rate_level4],
        title=titles[mode] % {"week": week.strftime("%d/%m/%Y")},
        description=_("Bản đồ các đơn vị; số liệu chi tiết ở bảng bên dưới."),
    )


def _rows(units: list[AdministrativeUnit], week: datetime.date) -> list[dict[str, Any]]:
    proposals = selectors.assessments(week)
    declared = selectors.declared_in_force(timezone.localdate(), [u.pk for u in units])
    rows = []
    for unit in units:
        proposal: LevelAssessment | None = proposals.get(unit.pk)
        rows.append(
            {
                "unit": unit,
                "proposal": proposal,
                "declared": declared.get(unit.pk),
                "reasons": [describe(r) for r in proposal.reasons] if proposal else [],
                "differs": bool(
                    proposal
                    and proposal.level
                    and declared.get(unit.pk)
                    and proposal.level != declared[unit.pk].level
                ),
            }
        )
    return rows


@capability_required(EpidemicCap.VIEW)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    weeks = selectors.assessed_weeks()
    week = week_of(request.GET.get("tuan"), weeks[0] if weeks else selectors.last_finished_week(today))
    mode = request.GET.get("ban-do", "level")
    if mode not in ("level", "rate", "proposal"):
        mode = "level"
    province = core_selectors.province_unit()
    units = [province, *core_selectors.reporting_units().order_by("code")]
    rows = _rows(units, week)
    return render(
        request,
        "epidemic/overview.html",
        {
            "week": week,
            "week_end": week + datetime.timedelta(days=6),
            "weeks": weeks,
            "rows": rows,
            "map": _map(rows[1:], mode, week),
            "mode": mode,
            "rules": selectors.rules_in_force(week + datetime.timedelta(days=6)),
            "can_compute": user_can(request.user, EpidemicCap.COMPUTE),
        },
    )


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@capability_required(EpidemicCap.VIEW)
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(AdministrativeUnit, pk=pk, pk__in=[u.pk for u in selectors.unit_tree()])
    user = request.user
    editable = selectors.units_editable_by(user).filter(pk=unit.pk).exists()
    forms: dict[str, Any] = {
        "declare": DeclareForm(
            prefix="d",
            initial={"decision_date": timezone.localdate(), "effective_from": timezone.localdate()},
        )
        if editable and user_can(user, EpidemicCap.DECLARE)
        else None,
        "capacity": CapacityForm(prefix="c") if editable and user_can(user, EpidemicCap.CAPACITY) else None,
        "boundary": BoundaryForm(prefix="b") if editable and user_can(user, EpidemicCap.BOUNDARIES) else None,
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        form: Any = None
        if forms.get(action) is None:
            return HttpResponse(status=403)
        try:
            if action == "declare":
                form = forms["declare"] = DeclareForm(request.POST, prefix="d")
                if form.is_valid():
                    services.level_declare(actor=user, unit=unit, **form.cleaned_data)
                    messages.success(request, _("Đã ghi nhận cấp độ đã công bố."))
                    return redirect("epidemic:unit", pk=unit.pk)
            elif action == "capacity":
                form = forms["capacity"] = CapacityForm(request.POST, prefix="c")
                if form.is_valid():
                    data = dict(form.cleaned_data)
                    services.capacity_record(actor=user, unit=unit, week_start=data.pop("week_start"), **data)
                    messages.success(request, _("Đã lưu năng lực thu dung, điều trị."))
                    return redirect("epidemic:unit", pk=unit.pk)
            elif action == "boundary":
                form = forms["boundary"] = BoundaryForm(request.POST, request.FILES, prefix="b")
                if form.is_valid():
                    boundary = services.boundary_upload(
                        actor=user, unit=unit, content=form.cleaned_data["file"].read()
                    )
                    messages.success(
                        request,
                        _("Đã lưu ranh giới: %(kept)s điểm (từ %(uploaded)s điểm tải lên).")
                        % {"kept": boundary.points_kept, "uploaded": boundary.points_uploaded},
                    )
                    return redirect("epidemic:unit", pk=unit.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and form.is_bound:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                _fail(request, exc)
    children = list(AdministrativeUnit.objects.filter(parent=unit).order_by("code"))
    weeks = selectors.assessed_weeks()
    week = weeks[0] if weeks else selectors.last_finished_week(timezone.localdate())
    rows = _rows([unit, *children], week)
    return render(
        request,
        "epidemic/unit.html",
        {
            "unit": unit,
            "row": rows[0],
            "children": rows[1:],
            "week": week,
            "history": selectors.declared_history(unit)[:20],
            "capacity": selectors.capacity_visible_to(user).filter(unit=unit)[:12],
            "boundary": selectors.boundary_list().filter(unit=unit).first(),
            "map": _map(rows[1:], "level", week) if children else None,
            **{f"{name}_form": form for name, form in forms.items()},
        },
    )


@capability_required(EpidemicCap.VIEW)
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    can_edit = user_can(request.user, EpidemicCap.RULES)
    current = selectors.rules_in_force(timezone.localdate())
    form = RulesForm(instance=current, initial={"effective_from": timezone.localdate()}) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        form = RulesForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.rules_set(actor=request.user, effective_from=data.pop("effective_from"), **data)
            except ValidationError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("Đã lưu ngưỡng mới."))
                return redirect("epidemic:rules")
    return render(
        request,
        "epidemic/rules.html",
        {"form": form, "history": selectors.rules_history()[:20], "current": current},
    )


@capability_required(EpidemicCap.COMPUTE)
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    week = week_of(request.POST.get("tuan"), selectors.last_finished_week(timezone.localdate()))
    try:
        result = services.levels_compute(actor=request.user, week_start=week)
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("epidemic:overview")
    messages.success(request, _("Đã tính cấp độ đề xuất cho %(n)s đơn vị.") % {"n": result["units"]})
    return redirect(f"{reverse('epidemic:overview')}?tuan={week.isoformat()}")
