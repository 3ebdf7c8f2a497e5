"""The citizen check's page and session flag, for any app where a citizen acts on their own
record (``docs/architecture.md``, shared mechanisms).

An app mounts a subclass of ``CitizenCheckView`` that says which person the flow is about and
where to go once verified::

    class CertificateCheck(CitizenCheckView):
        purpose = "testing.certificate"

        def get_person(self):  # the person the flow already knows (e.g. from the result look-up)
            return access_result_person(self.request, self.kwargs["code"])

        def get_success_url(self):
            return reverse("testing:certificate", args=[self.kwargs["code"]])

and, in the protected view, asks ``citizen_verified(request, person, purpose)`` first. The page
sends a code on "Gửi mã" (POST, never on GET) and checks what is typed; once verified, the
browser session is marked for that person and purpose for ``CITIZEN_CHECK_SESSION_MINUTES``.
"""

import time
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import ratelimit
from core.actors import public_actor
from core.models import Person
from core.outage import outage_response
from core.services.citizen_check import (
    Outcome,
    SendLimited,
    citizen_check_start,
    citizen_check_verify,
    phone_hint,
)

SESSION_KEY = "citizen_checks"  # {"<person id>:<purpose>": expiry (epoch seconds)}
SENT_KEY = "citizen_checks_sent"  # the same keys: a code was sent from this browser


def _key(person: Person, purpose: str) -> str:
    return f"{person.pk}:{purpose}"


def citizen_verified(request: HttpRequest, person: Person, purpose: str) -> bool:
    """True while this browser session holds a verified citizen check for ``person`` and
    ``purpose`` (another person or another purpose is not verified)."""
    expiry = request.session.get(SESSION_KEY, {}).get(_key(person, purpose))
    return isinstance(expiry, int | float) and expiry > time.time()


def citizen_verified_mark(request: HttpRequest, person: Person, purpose: str) -> None:
    """Marks the session verified for ``person`` and ``purpose`` (a new session key, so an id
    planted before the check is worth nothing after it)."""
    marks = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if v > time.time()}
    marks[_key(person, purpose)] = time.time() + settings.CITIZEN_CHECK_SESSION_MINUTES * 60
    request.session.cycle_key()
    request.session[SESSION_KEY] = marks


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác minh"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


MESSAGES = {
    Outcome.WRONG: gettext_lazy("Mã không đúng. Vui lòng kiểm tra tin nhắn và nhập lại."),
    Outcome.EXPIRED: gettext_lazy("Mã đã hết hạn hoặc chưa được gửi. Vui lòng bấm “Gửi mã” để nhận mã mới."),
    Outcome.LOCKED: gettext_lazy(
        "Bạn đã nhập sai quá số lần cho phép. Vui lòng bấm “Gửi mã” để nhận mã mới."
    ),
    Outcome.LIMITED: gettext_lazy("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau."),
}


class CitizenCheckView(View):
    """ "Enter the code we sent to 09xx xxx 678". Subclasses set ``purpose`` and implement
    ``get_person`` (raise ``Http404`` when the flow has no person) and ``get_success_url``."""

    purpose: str = ""
    template_name = "core/citizen_check.html"
    channel = "citizen_check"  # the Visitor channel named in audit rows

    def get_person(self) -> Person:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self.get_person()
        if citizen_verified(request, person, self.purpose):
            return HttpResponseRedirect(self.get_success_url())
        return self._render(person, CodeForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self.get_person()
        actor = public_actor(request.user, self.channel)
        address = ratelimit.client_ip(request)
        try:
            if "send" in request.POST:
                return self._send(person, actor, address)
            form = CodeForm(request.POST)
            if not form.is_valid():
                return self._render(person, form)
            outcome = citizen_check_verify(
                actor=actor,
                person=person,
                purpose=self.purpose,
                code=form.cleaned_data["code"],
                address=address,
            )
        except ratelimit.LimiterUnavailable as exc:  # closed: the store behind the limit is down
            return outage_response(request, exc)
        if outcome == Outcome.VERIFIED:
            citizen_verified_mark(request, person, self.purpose)
            return HttpResponseRedirect(self.get_success_url())
        form.add_error("code", MESSAGES[outcome])
        return self._render(person, form)

    def _send(self, person: Person, actor: Any, address: str) -> HttpResponse:
        try:
            citizen_check_start(actor=actor, person=person, purpose=self.purpose, address=address)
        except SendLimited:
            return self._render(
                person,
                CodeForm(),
                error=_("Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau."),
                status=429,
            )
        sent = dict(self.request.session.get(SENT_KEY, {}))
        sent[_key(person, self.purpose)] = time.time()
        self.request.session[SENT_KEY] = sent
        return self._render(person, CodeForm())

    def _render(self, person: Person, form: CodeForm, *, error: str = "", status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "phone_hint": phone_hint(person),
            "sent": _key(person, self.purpose) in self.request.session.get(SENT_KEY, {}),
            "minutes": settings.CITIZEN_CHECK_CODE_MINUTES,
            "error": error,
        }
        return render(self.request, self.template_name, context, status=status)
