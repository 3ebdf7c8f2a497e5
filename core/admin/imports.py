"""The admin side of ``core/imports.py``: import with preview for an app's resource, into a
target the user chooses among those in their scope (a lab, a vaccination site). A file of more
than ``IMPORT_BACKGROUND_ROWS`` rows goes to a worker instead (``core/services/import_jobs.py``):
the sender follows its progress on the job's page and confirms there."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm

from core import selectors, services
from core.imports import STAGES, count_rows, resource_path
from core.models import ImportJob


def _size_checked(form: Any) -> Any:
    upload = form.cleaned_data["import_file"]
    limit = settings.IMPORT_MAX_FILE_BYTES
    if upload is not None and upload.size > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size)d MB; tối đa %(limit)d MB): hãy chia thành nhiều tệp. Không lưu gì.")
            % {"size": -(-upload.size // 1_000_000), "limit": limit // 1_000_000}
        )
    return upload


class ScopedImportMixin(ImportMixin):
    """``import_target``: (keyword the resource reads, label, the user's choices)."""

    import_formats = [CSV, XLSX]
    import_template_name = "admin/import_with_jobs.html"
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
        return type("ScopedImportForm", (ImportForm,), {"target": field, "clean_import_file": _size_checked})

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

    # --- large files: a background job with its progress page -------------------------------

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_job"
        view = self.admin_site.admin_view
        return [
            path("import/job/<int:job_id>/", view(self.import_job_view), name=name),
            path(
                "import/job/<int:job_id>/confirm/", view(self.import_job_confirm_view), name=f"{name}_confirm"
            ),
            *super().get_urls(),
        ]

    def _job_url(self, job: ImportJob, suffix: str = "") -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import_job{suffix}", args=[job.pk])

    def _job(self, request: HttpRequest, job_id: int) -> ImportJob:
        resources = [resource_path(r) for r in self.get_import_resource_classes(request)]
        return selectors.access_import_job(request.user, job_id, resources)

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                job = self._background_job(request, form)
                if job is not None:
                    return redirect(self._job_url(job))
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            classes = self.get_import_resource_classes(request)
            # The file's columns as the sender writes them (not the model's field names).
            columns = [c for r in classes for c in getattr(r, "columns", ())]
            if columns:
                response.context_data["fields_list"] = [("", [c.headers[0] for c in columns])]
                response.context_data["import_columns"] = columns
            # The sender's recent large files, to come back to a job after closing its page.
            response.context_data["import_jobs"] = [
                (job, self._job_url(job))
                for job in selectors.import_jobs_of(request.user, [resource_path(r) for r in classes])
            ]
        return response

    def _background_job(self, request: HttpRequest, form: Any) -> ImportJob | None:
        """A job for a large file; None for a small one (or an unreadable one, which the
        admin's own path refuses with its message)."""
        upload = form.cleaned_data["import_file"]
        content = b"".join(upload.chunks())
        try:
            rows = count_rows(content, upload.name)
        except ValidationError:
            return None
        if rows <= settings.IMPORT_BACKGROUND_ROWS:
            return None
        return services.import_job_create(
            actor=request.user,
            resource=self.choose_import_resource_class(form, request),
            target=form.cleaned_data["target"],
            content=content,
            file_name=upload.name,
            rows=rows,
        )

    def import_job_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self._job(request, job_id)
        progress = selectors.import_job_progress(job) if job.running else None
        if progress:
            progress["label"] = STAGES.get(progress["stage"], progress["stage"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Nhập tệp %(name)s") % {"name": job.file_name},
            "job": job,
            "progress": progress,
            "confirm_url": self._job_url(job, "_confirm"),
            "import_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"),
            "refresh_seconds": 2,
        }
        return TemplateResponse(request, "admin/import_job.html", context)

    def import_job_confirm_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self._job(request, job_id)
        if request.method == "POST":
            try:
                services.import_job_confirm(actor=request.user, job=job)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect(self._job_url(job))
