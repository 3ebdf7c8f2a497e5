"""People (reads are logged with the purpose the official gave) and suspected duplicates (merge
or dismiss)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from core import searches, selectors, services
from core.admin.base import ServiceAdmin
from core.audit import audit_read
from core.capabilities import Cap
from core.masking import mask_phone
from core.models import (
    DuplicateCandidate,
    Person,
)
from core.redirects import local_url
from core.roles import user_can


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    view_cap = Cap.VIEW_PEOPLE
    add_cap = Cap.EDIT_PEOPLE
    change_cap = Cap.EDIT_PEOPLE
    selector = staticmethod(selectors.persons_visible_to)
    list_display = ("full_name", "birth_year", "sex", "masked_phone", "address_unit", "source")
    list_filter = ("sex", "source")
    # Names are searched by their key (no diacritics); ID and phone only by exact look-up hash.
    search_fields = ("name_key",)
    autocomplete_fields = ("address_unit",)
    fields = (
        "full_name",
        "date_of_birth",
        "birth_year",
        "sex",
        "nationality",
        "id_number",
        "phone",
        "address_unit",
        "address_line",
    )

    # The purpose of the admin's reads of people (core.searches): asked once per session.
    PURPOSE_KIND = "admin.person"

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("purpose/", self.admin_site.admin_view(self.purpose_view), name="core_person_purpose"),
        ]
        return extra + super().get_urls()

    def _ask_purpose(
        self, request: HttpRequest, form: Any = None, status: int = 200, next_url: str = ""
    ) -> TemplateResponse:
        """The purpose form in place of the page: nothing personal is shown or logged yet."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Mục đích xem dữ liệu cá nhân"),
            "form": form or searches.PurposeForm(),
            "next": next_url or request.get_full_path(),
            "current": searches.purpose_of(request, self.PURPOSE_KIND),
        }
        return TemplateResponse(request, "admin/core/person/purpose.html", context, status=status)

    def purpose_view(self, request: HttpRequest) -> HttpResponse:
        """GET: the form (to give a new purpose); POST: keep it and go back to the page asked for."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        asked = request.POST.get("next") or request.GET.get("next")
        back = local_url(request, asked, reverse("admin:core_person_changelist"))
        if request.method != "POST":
            return self._ask_purpose(request, next_url=back)
        form = searches.PurposeForm(request.POST)
        if not form.is_valid():
            return self._ask_purpose(request, form, status=400, next_url=back)
        searches.purpose_set(request, self.PURPOSE_KIND, form.cleaned_data["purpose"])
        return HttpResponseRedirect(back)

    def _purpose(self, request: HttpRequest) -> str:
        return searches.purpose_of(request, self.PURPOSE_KIND)

    @admin.display(description=_("Điện thoại"))
    def masked_phone(self, obj: Person) -> str:
        return mask_phone(obj.phone)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        from core.crypto import lookup_hashes

        term = search_term.strip()
        if term.replace(" ", "").replace("+", "").isdigit():
            digits = term.replace(" ", "")
            return queryset.filter(id_number_hash__in=lookup_hashes("id_number", digits)) | queryset.filter(
                phone_hash__in=lookup_hashes("phone", digits)
            ), False
        return super().get_search_results(request, queryset, services.name_key(term))

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if self.has_view_permission(request) and not self._purpose(request):
            return self._ask_purpose(request)
        extra_context = {**(extra_context or {}), "read_purpose": self._purpose(request)}
        response = super().changelist_view(request, extra_context)
        changelist = (
            getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        )
        if changelist is not None:
            audit_read(
                actor=request.user,
                target=Person,
                ids=[p.pk for p in changelist.result_list],
                purpose=f"admin: {self._purpose(request)}",
                details={"kind": "admin.person.list"},
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if self.has_view_permission(request) and not self._purpose(request):
            return self._ask_purpose(request)
        extra_context = {**(extra_context or {}), "read_purpose": self._purpose(request)}
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            audit_read(
                actor=request.user,
                target=Person,
                ids=[object_id],
                purpose=f"admin: {self._purpose(request)}",
                details={"kind": "admin.person.view"},
            )
        return response

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        cleaned = form.cleaned_data
        data = services.PersonData(
            full_name=cleaned.get("full_name") or "",
            date_of_birth=cleaned.get("date_of_birth"),
            birth_year=cleaned.get("birth_year"),
            sex=cleaned.get("sex") or Person.Sex.UNKNOWN,
            nationality=cleaned.get("nationality") or "VN",
            id_number=cleaned.get("id_number") or "",
            phone=cleaned.get("phone") or "",
            address_unit=cleaned.get("address_unit"),
            address_line=cleaned.get("address_line") or "",
        )
        if change:
            services.person_update(actor=request.user, person=Person.objects.get(pk=obj.pk), data=data)
        else:
            created = services.person_create(actor=request.user, data=data)
            obj.pk = created.pk


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(ServiceAdmin):
    view_cap = Cap.MERGE_PEOPLE
    selector = staticmethod(selectors.duplicates_visible_to)
    list_display = ("person", "other", "reason", "status", "created_at")
    list_filter = ("status",)
    actions = ["merge_into_older", "dismiss"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Hợp nhất vào hồ sơ cũ hơn"))
    def merge_into_older(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not user_can(request.user, Cap.MERGE_PEOPLE):
            raise PermissionDenied
        for candidate in queryset.filter(status=DuplicateCandidate.Status.OPEN):
            keep, duplicate = sorted([candidate.person, candidate.other], key=lambda p: p.pk)
            services.person_merge(
                actor=request.user,
                keep=keep,
                duplicate=duplicate,
                reason=f"admin: nghi trùng #{candidate.pk} ({candidate.reason})",
            )
        self.message_user(request, _("Đã hợp nhất các hồ sơ đã chọn."), messages.SUCCESS)

    @admin.action(description=_("Đánh dấu không trùng"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet) -> None:
        for candidate in queryset.filter(status=DuplicateCandidate.Status.OPEN):
            services.duplicate_dismiss(actor=request.user, candidate=candidate, reason="admin")
        self.message_user(request, _("Đã đánh dấu không trùng."), messages.SUCCESS)
