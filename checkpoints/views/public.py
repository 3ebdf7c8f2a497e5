"""The visitor's pages: scan → declare → confirmation → check-out. No login, no JavaScript
needed, small enough for a cheap phone on 3G."""

import uuid
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from checkpoints import intake, selectors, services
from checkpoints.models import Checkpoint
from core import crypto, ratelimit
from core.actors import Visitor
from declarations.forms import DeclarationForm, MemberForm, initial_from, notice_text

REMEMBER_COOKIE = "cp_me"
REMEMBER_SALT = "checkpoints.remember"
REMEMBER_DAYS = 90
MEMBER_SLOTS = 3
IDENTITY_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "id_number",
    "phone",
    "province",
    "district",
    "ward",
    "address_line",
)


def _remembered(request: HttpRequest) -> dict[str, Any] | None:
    raw = request.COOKIES.get(REMEMBER_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(crypto.decrypt(raw), salt=REMEMBER_SALT, max_age=REMEMBER_DAYS * 86400)
    except (ValueError, signing.BadSignature):  # not ours, tampered, expired or an old signed cookie
        return None
    return data if isinstance(data, dict) else None


def _checkpoint_or_gone(token: str) -> Checkpoint | HttpResponse:
    try:
        return selectors.checkpoint_by_token(token)
    except selectors.RevokedCode:
        return HttpResponse(status=410)
    except Checkpoint.DoesNotExist as exc:
        raise Http404 from exc


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "checkpoints/revoked.html", status=410)


def _posted_slots(request: HttpRequest) -> int:
    raw = request.POST.get("member_slots", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else MEMBER_SLOTS


def _member_count(request: HttpRequest) -> int:
    count = _posted_slots(request) + ("add_member" in request.POST)
    return max(MEMBER_SLOTS, min(count, settings.CHECKIN_MAX_MEMBERS))


def _member_index(name: str) -> int:
    """``3`` for a member row's field ``m3-full_name``; -1 for any other field."""
    prefix = name.partition("-")[0]
    digits = prefix[1:]
    if prefix[:1] != "m" or not (digits.isascii() and digits.isdigit()) or len(digits) > 6:
        return -1
    return int(digits)


def _filled_member_rows(request: HttpRequest) -> set[int]:
    """The member rows with anything typed or ticked in them."""
    return {
        index
        for name in request.POST
        if (index := _member_index(name)) >= 0 and any(str(v).strip() for v in request.POST.getlist(name))
    }


def _too_many_members(request: HttpRequest) -> bool:
    """A member row past the cap asked for or filled in: refused with a message rather than
    silently dropped."""
    cap = settings.CHECKIN_MAX_MEMBERS
    if "add_member" in request.POST and _posted_slots(request) >= cap:
        return True
    return any(
        _member_index(name) >= cap and any(str(v).strip() for v in request.POST.getlist(name))
        for name in request.POST
    )


def _submission(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("submission", ""))
    except ValueError:
        return uuid.uuid4()


@dataclass(frozen=True)
class _Page:
    """The visitor page's forms as shown: blank, bound to a POST, or refilled after a round trip.
    A POST does not read the checkpoint (the check-in checks its code itself): ``checkpoint``
    is read only when the page is shown again."""

    token: str
    checkpoint: Checkpoint | None
    form: DeclarationForm
    # One per member row shown; None for a row posted blank (valid, nobody in it): its form
    # is built only if the page is shown again (three blank rows built and validated cost a
    # fifth of a returning visitor's form POST, docs/benchmarks.md issue 16).
    members: list[MemberForm | None]
    submission: uuid.UUID
    quick: dict[str, Any] | None = None

    def is_valid(self) -> bool:
        return self.form.is_valid() and all(m.is_valid() for m in self.members if m is not None)


def _render(
    request: HttpRequest,
    page: _Page,
    *,
    status: int = 200,
    error: str = "",
    remembered: bool = False,
) -> HttpResponse:
    checkpoint = page.checkpoint or _checkpoint_or_gone(page.token)
    if isinstance(checkpoint, HttpResponse):
        return _gone(request)
    response = render(
        request,
        "checkpoints/visit.html",
        {
            "checkpoint": checkpoint,
            "form": page.form,
            "members": [
                m if m is not None else MemberForm(request.POST, prefix=f"m{i}")
                for i, m in enumerate(page.members)
            ],
            "member_slots": len(page.members),
            "max_members": settings.CHECKIN_MAX_MEMBERS,
            "submission": page.submission,
            "quick": page.quick,
            "notice": notice_text(),
            "error": error,
            # Opt-in: ticked only by the visitor (or kept ticked once they chose it earlier).
            "remember_checked": (
                bool(request.POST.get("remember")) if request.method == "POST" else remembered
            ),
        },
        status=status,
    )
    ratelimit.set_device_cookie(request, response)
    return response


@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, token: str) -> HttpResponse:
    remembered = _remembered(request)
    if request.method == "GET":
        found = _checkpoint_or_gone(token)
        if isinstance(found, HttpResponse):
            return _gone(request)
        return _blank(request, found, remembered)
    page = _bind(request, token, remembered)
    if _too_many_members(request):
        return _render(request, page, error=services.household_size_message())
    if "refresh" in request.POST or "add_member" in request.POST:
        return _round_trip(request, page)
    if not page.is_valid():
        return _render(request, page)
    if not ratelimit.allow_checkin(request):
        error = _(
            "Bạn gửi khai báo quá nhanh. Vui lòng đợi một phút rồi bấm gửi lại; thông tin đã nhập vẫn còn."
        )
        return _render(request, page, status=429, error=error)
    return _submit(request, token, page, remembered)


def _blank(request: HttpRequest, checkpoint: Checkpoint, remembered: dict[str, Any] | None) -> HttpResponse:
    """GET: an empty form (prefilled from the remember-me cookie), offering the one-tap check-in
    unless the visitor asked to edit."""
    page = _Page(
        checkpoint.qr_token,
        checkpoint,
        DeclarationForm(initial=remembered or {}),
        [MemberForm(prefix=f"m{i}") for i in range(MEMBER_SLOTS)],
        uuid.uuid4(),
        quick=remembered if remembered and "edit" not in request.GET else None,
    )
    return _render(request, page, remembered=remembered is not None)


def _bind(request: HttpRequest, token: str, remembered: dict[str, Any] | None) -> _Page:
    """POST: the forms bound to what was sent; a one-tap check-in takes the remembered identity
    plus today's health answers."""
    data: QueryDict = request.POST
    quick = None
    if request.POST.get("quick") and remembered:
        data = data.copy()  # a QueryDict copy is deep: only when the remembered identity is added
        for name in IDENTITY_FIELDS:
            if name in remembered:
                data[name] = remembered[name]
        quick = remembered
    filled = _filled_member_rows(request)
    count = _member_count(request)
    members = [MemberForm(request.POST, prefix=f"m{i}") if i in filled else None for i in range(count)]
    return _Page(token, None, DeclarationForm(data), members, _submission(request), quick=quick)


def _round_trip(request: HttpRequest, page: _Page) -> HttpResponse:
    """No-JS round trip: the next address level or one more member row, nothing lost."""
    refilled = _Page(
        page.token,
        page.checkpoint,
        DeclarationForm(initial=initial_from(page.form.data)),
        [MemberForm(initial=_member_initial(request, i), prefix=f"m{i}") for i in range(len(page.members))],
        page.submission,
    )
    return _render(request, refilled)


def _submit(request: HttpRequest, token: str, page: _Page, remembered: dict[str, Any] | None) -> HttpResponse:
    """Store the valid declaration (and household), then show the confirmation."""
    try:
        declaration = page.form.declaration_data()
        household = [
            d for m in page.members if m is not None and (d := m.declaration_data(declaration)) is not None
        ]
        rows, _stored = intake.visitor_submit(
            token=token, declaration=declaration, members=household, submission=page.submission
        )
    except selectors.RevokedCode:
        return _gone(request)  # revoked while the form was open
    except Checkpoint.DoesNotExist as exc:
        raise Http404 from exc  # no such code, or the checkpoint was withdrawn
    except services.SubmissionConflict as exc:
        # Not this checkpoint's submission: a fresh id, what was typed kept, one tap to resend.
        return _render(request, replace(page, submission=uuid.uuid4()), status=409, error=str(exc))
    except ValidationError as exc:
        return _render(request, page, error=" ".join(exc.messages))
    response = redirect("checkpoints:done", token=token, submission=rows[0].submission)
    if all(r.repeat for r in rows):  # the same visit again: the confirmation says so
        response = redirect(f"{response['Location']}?again=1")
    if request.POST.get("remember"):
        _set_remember_cookie(request, response, page.form.cleaned_data)
    elif remembered:
        response.delete_cookie(REMEMBER_COOKIE, path="/c/")
    return response


def _set_remember_cookie(request: HttpRequest, response: HttpResponse, cleaned: dict[str, Any]) -> None:
    keep = {k: v for k, v in cleaned.items() if k in IDENTITY_FIELDS and v not in (None, "")}
    keep = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in keep.items()}
    response.set_cookie(
        REMEMBER_COOKIE,
        # Encrypted (the field-encryption keys), not only signed: the phone keeps the ID and
        # phone numbers, but nobody reading the cookie can.
        crypto.encrypt(signing.dumps(keep, salt=REMEMBER_SALT, compress=True)),
        max_age=REMEMBER_DAYS * 86400,
        path="/c/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _member_initial(request: HttpRequest, index: int) -> dict[str, Any]:
    return initial_from(request.POST, prefix=f"m{index}-")


def done(request: HttpRequest, token: str, submission: uuid.UUID) -> HttpResponse:
    """The confirmation the guard reads at a glance: checkmark, time, checkpoint, risk colour."""
    found = _checkpoint_or_gone(token)
    if isinstance(found, HttpResponse):
        return _gone(request)
    rows = [r for r in selectors.checkins_of_submission(submission) if r.checkpoint_id == found.pk]
    if not rows:
        raise Http404
    risk = max((r.risk for r in rows), key=["none", "symptoms", "exposure"].index)
    return render(
        request,
        "checkpoints/done.html",
        {
            "checkpoint": found,
            "rows": rows,
            "first": rows[0],
            "risk": risk,
            "checked_out": all(r.checkout_method == "scanned" for r in rows),
            "again": request.GET.get("again") == "1",
            "default_minutes": settings.CHECKIN_DEFAULT_MINUTES,
        },
    )


@require_POST
def checkout(request: HttpRequest, token: str, submission: uuid.UUID) -> HttpResponse:
    found = _checkpoint_or_gone(token)
    if isinstance(found, HttpResponse):
        return _gone(request)
    services.checkin_checkout(actor=Visitor("checkout_page"), checkpoint=found, submission=submission)
    return redirect("checkpoints:done", token=token, submission=submission)


@require_POST
def forget(request: HttpRequest, token: str) -> HttpResponse:
    response = redirect("checkpoints:visit", token=token)
    response.delete_cookie(REMEMBER_COOKIE, path="/c/")
    return response
