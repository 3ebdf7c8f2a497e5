"""The admin side of ``core/imports.py``: import with preview for an app's resource, into a
target the user chooses among those in their scope (a lab, a vaccination site)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm


class ScopedImportMixin(ImportMixin):
    """``import_target``: (keyword the resource reads, label, the user's choices)."""

    import_formats = [CSV, XLSX]
    skip_admin_log = True  # the import service's audit row is the record
    import_target: tuple[str, Any, Callable[[Any], QuerySet]] = ("", "", lambda user: QuerySet())

    def _target_field(self, request: HttpRequest, hidden: bool) -> forms.ModelChoiceField:
        _key, label, choices = self.import_target
        return forms.ModelChoiceField(
            queryset=choices(request.user),
            label=label,
            widget=forms.HiddenInput if hidden else None,
        )

    def get_import_form_class(self, request: HttpRequest) -> type:
        field = self._target_field(request, hidden=False)
        return type("ScopedImportForm", (ImportForm,), {"target": field})

    def get_confirm_form_class(self, request: HttpRequest) -> type:
        field = self._target_field(request, hidden=True)
        return type("ScopedConfirmImportForm", (ConfirmImportForm,), {"target": field})

    def get_confirm_form_initial(self, request: HttpRequest, import_form: Any) -> dict[str, Any]:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["target"] = import_form.cleaned_data["target"].pk
        return initial

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        form = kwargs.pop("form", None)
        kwargs.pop("request", None)
        if form is not None and "target" in form.cleaned_data:
            kwargs[self.import_target[0]] = form.cleaned_data["target"]
        return kwargs

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        form.add_error(
            "import_file",
            _("Không đọc được tệp: hãy chọn đúng định dạng (CSV UTF-8 hoặc Excel .xlsx). Không lưu gì."),
        )
