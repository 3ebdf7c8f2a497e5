"""Pages: verification (public and for staff), the trust list, issued certificates (PDF,
revocation)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates import pdf, selectors, services
from certificates.capabilities import CertificateCap
from certificates.forms import RemoveForm, SignerUploadForm, VerifyForm
from core import ratelimit
from core.decorators import capability_required
from core.masking import mask_name


def _verify(request: HttpRequest) -> dict[str, Any]:
    form = VerifyForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "result": None}
    if request.method == "POST" and form.is_valid():
        context["result"] = selectors.certificate_verify(form.cleaned_data["payload"])
        context["form"] = VerifyForm()  # an empty field for the next certificate; nothing is kept
    return context


@require_http_methods(["GET", "POST"])
def verify_public(request: HttpRequest) -> HttpResponse:
    """Anyone may check a certificate: no login, nothing stored, the minimum shown."""
    if request.method == "POST" and not ratelimit.allow_certificate_verify(request):
        return HttpResponse(_("Quá nhiều lượt kiểm tra, vui lòng thử lại sau một phút."), status=429)
    return render(request, "certificates/verify.html", {**_verify(request), "base": "base.html"})


@capability_required(CertificateCap.CERTIFICATES_VERIFY)
@require_http_methods(["GET", "POST"])
def verify_staff(request: HttpRequest) -> HttpResponse:
    """The same check inside the staff portal (checkpoint operators)."""
    return render(request, "certificates/verify.html", {**_verify(request), "base": "portal/base.html"})


@capability_required(CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST)
@require_http_methods(["GET", "POST"])
def trust_list(request: HttpRequest) -> HttpResponse:
    form = SignerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            signer = services.signer_upload(
                actor=request.user,
                data=form.cleaned_data["data"],
                country=form.cleaned_data["country"],
                own_province=form.cleaned_data["own_province"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã thêm chứng chỉ %(kid)s (%(country)s).")
                % {"kid": signer.kid, "country": signer.country},
            )
            return redirect("certificates:trust-list")
    signers = selectors.signers_visible_to(request.user).select_related("added_by")[:500]
    return render(request, "certificates/trust_list.html", {"form": form, "signers": signers})


@capability_required(CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST)
@require_POST
def signer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    signer = get_object_or_404(selectors.signers_visible_to(request.user), pk=pk)
    form = RemoveForm(request.POST)
    form.is_valid()
    try:
        services.signer_remove(actor=request.user, signer=signer, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã gỡ chứng chỉ %(kid)s khỏi danh sách tin cậy.") % {"kid": signer.kid})
    return redirect("certificates:trust-list")


@capability_required(CertificateCap.CERTIFICATES_ISSUE)
@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(selectors.issued_visible_to(request.user), pk=pk)
    response = HttpResponse(pdf.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{certificate.pk}.pdf"'
    return response


@capability_required(CertificateCap.CERTIFICATES_ISSUE)
@require_GET
def issued_list(request: HttpRequest) -> HttpResponse:
    """Recent certificates, names masked; look one up by its identifier to revoke it."""
    query = request.GET.get("uvci", "").strip().upper()
    certificates = selectors.issued_visible_to(request.user)
    if query:
        certificates = certificates.filter(uvci__startswith=query)
    rows = [(c, mask_name(c.person.full_name)) for c in certificates[:200]]
    return render(request, "certificates/issued_list.html", {"rows": rows, "query": query})


@capability_required(CertificateCap.CERTIFICATES_ISSUE)
@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(selectors.issued_visible_to(request.user), pk=pk)
    try:
        services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã thu hồi chứng nhận %(uvci)s.") % {"uvci": certificate.uvci})
    return redirect(f"{reverse('certificates:issued')}?uvci={certificate.uvci}")
