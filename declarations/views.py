"""The public standalone declaration (domestic travel)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.services import person_resolve_for_visitor
from declarations import services
from declarations.forms import TravelDeclarationForm, notice_text


@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest) -> HttpResponse:
    form = TravelDeclarationForm(request.POST or None)
    if request.method == "POST" and "refresh" in request.POST:
        form = TravelDeclarationForm(initial=request.POST.dict())
    elif request.method == "POST" and form.is_valid():
        data = form.declaration_data()
        try:
            person, _created = person_resolve_for_visitor(data=data.person)
            declaration = services.declaration_submit(actor=request.user, person=person, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "declarations/done.html", {"declaration": declaration})
    return render(request, "declarations/declare.html", {"form": form, "notice": notice_text()})
