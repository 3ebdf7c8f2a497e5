"""Stored files: unguessable names on disk and one way out, through a view that checks the right.

No URL serves ``MEDIA_ROOT`` directly, in any mode. A view first checks the user's right to the
object, then calls :func:`protected_file_response`: the bytes are streamed by Django, or, when
``PROTECTED_FILES_ACCEL_PREFIX`` names an internal location of the reverse proxy (nginx
``internal;``), the proxy sends them after an ``X-Accel-Redirect`` header.
"""

from __future__ import annotations

import mimetypes
import posixpath
import secrets
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class RandomName:
    """``upload_to`` that keeps the folder and extension and replaces the name by 128 random bits."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()[:10]
        folder = timezone.now().strftime(self.folder)
        return posixpath.join(folder, f"{secrets.token_hex(16)}{suffix}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def protected_file_response(
    file: FieldFile, *, filename: str, as_attachment: bool = True
) -> HttpResponseBase:
    """The file's bytes for a user whose right was checked by the caller (404 when it is missing)."""
    stored = file.name if file else None
    if not stored or not file.storage.exists(stored):
        raise Http404
    prefix = getattr(settings, "PROTECTED_FILES_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(stored)
        response["Content-Type"] = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        return response
    return FileResponse(file.open("rb"), as_attachment=as_attachment, filename=filename)
