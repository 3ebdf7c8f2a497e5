"""Exports from the admin (django-import-export): a filter the list does not have is a 400.

The export keeps the list's search and filters from the query string; one it cannot apply
(``?uvci=…`` on the organizations, a value of the wrong type) raised ``IncorrectLookupParameters``
out of django-import-export's view: a 500. The list itself answers such a URL with its own
error; the export answers with the portal's 400 page."""

from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from import_export.admin import ExportMixin


class CheckedExportMixin(ExportMixin):
    def get_export_queryset(self, request: HttpRequest) -> Any:
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as exc:
            raise BadRequest("an export filter the list does not have") from exc
