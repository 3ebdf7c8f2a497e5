"""Staff register a list of people into a session (issue 19 point 3: "staff register people in
bulk, e.g. a ward's elderly"), on a phone or a desktop: paste the list (or upload a CSV/text
file), choose the session, and see who was booked, who already was, and who found no place.

The work is ``vaccination.intake.register_list``: every row checked first (one wrong row refuses
the list, each named "Dòng N: ..."; what was typed or uploaded stays in the box), people found or
created without overwriting anyone, booked through ``appointment_book`` up to the session's
capacity. Each person created and each booking leaves its audit row; the names the result shows
from the records leave a read row.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.audit import audit_read
from core.decorators import capability_required
from core.models import Person
from vaccination import intake
from vaccination.capabilities import VaccinationCap
from vaccination.forms import ListRegistrationForm


@capability_required(VaccinationCap.RUN_SESSIONS)
@require_http_methods(["GET", "POST"])
def register_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"session": request.GET.get("session")} if request.GET.get("session", "").isdigit() else {}
    form = ListRegistrationForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    errors: list[str] = []
    result: intake.ListResult | None = None
    if request.method == "POST" and form.is_valid():
        session = form.cleaned_data["session"]
        try:
            result = intake.register_list(
                actor=user, session=session, rows=intake.split_lines(form.cleaned_data["lines"])
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            shown = [a.person_id for a in result.booked] + [p.pk for _n, p in result.already]
            audit_read(
                actor=user,
                target=Person,
                ids=shown,
                purpose="vaccination.register_list",
                details={"session_id": session.pk},
            )
            session.refresh_from_db()
            form = ListRegistrationForm(user=user, initial={"session": session.pk})
    context: dict[str, Any] = {"form": form, "errors": errors, "result": result}
    if result is not None:
        context["session"] = (
            form.fields["session"]
            .queryset.filter(  # type: ignore[attr-defined]
                pk=form.initial["session"]
            )
            .first()
        )
    status = 400 if request.method == "POST" and result is None else 200
    return render(request, "vaccination/portal/register_list.html", context, status=status)
