"""Large files imported in the background (docs/architecture.md, "Imports"): the admin's import
hands a file of more than ``IMPORT_BACKGROUND_ROWS`` rows to a worker instead of checking it
within the request. The worker checks it (the import's dry run: every row's error, nothing
stored), the person who sent it sees the progress and the outcome on the job's page and
confirms, and the worker imports it. The same resource and import service as the admin's own
path and the command, so the rules, the errors and the audit rows are the same.

A job's result is written in the transaction of its work: a run whose job the recovery sweep
took away meanwhile (``core/recovery_kinds.py``) rolls its work back and the other run's
stands, so a file is imported once. The file's bytes are dropped once it is imported, refused
or failed; the job row goes after ``IMPORT_JOB_RETENTION_DAYS``."""

import functools
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.audit import audit
from core.imports import FastImportMixin, errors_of, job_progress_key, read_file, resource_path
from core.models import ImportJob
from core.recovery import enqueue_on_commit
from core.text import clean_text

logger = logging.getLogger(__name__)

Status = ImportJob.Status


def _task() -> Any:
    from core.tasks import run_import_job

    return run_import_job


def _report(job: ImportJob, stage: str, done: int, total: int) -> None:
    # In the cache, not the database: the import runs in one transaction, which nobody else
    # sees before it commits.
    try:
        cache.set(job_progress_key(job), {"stage": stage, "done": done, "total": total}, 86_400)
    except Exception:
        logger.warning("import job %s: progress not recorded", job.pk, exc_info=True)


def _resource_class(path: str) -> type[FastImportMixin]:
    resource = import_string(path)
    if not (isinstance(resource, type) and issubclass(resource, FastImportMixin)):
        raise ImproperlyConfiguredJob(path)
    return resource


class ImproperlyConfiguredJob(Exception):
    """A job naming something that is not an import resource (never written by the portal)."""


def import_job_create(
    *, actor: Any, resource: type, target: models.Model, content: bytes, file_name: str, rows: int
) -> ImportJob:
    """A file for ``target`` (a lab, a vaccination site) queued for its check; the check's task
    is enqueued after commit. The caller has checked that ``actor`` may import into ``target``;
    the import service checks it again when the worker runs it."""
    _resource_class(resource_path(resource))
    with transaction.atomic():
        job = ImportJob.objects.create(
            resource=resource_path(resource),
            target_key=resource.target,  # type: ignore[attr-defined]
            target_id=target.pk,
            target_label=str(target)[:200],
            user=actor,
            file_name=file_name[:200],
            language=translation.get_language() or "",
            content=content,
            rows=rows,
        )
        audit(
            actor=actor,
            action="importjob.create",
            target=job,
            details={"resource": job.resource, "target_id": target.pk, "rows": rows},
        )
        enqueue_on_commit(_task(), job.pk)
    return job


def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """The sender's go-ahead after the check: the job is imported by a worker."""
    if job.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, status=Status.CHECKED).update(
            status=Status.CONFIRMED, confirmed_at=timezone.now()
        )
        if not moved:
            raise ValidationError(_("Lượt nhập này không còn chờ xác nhận."))
        audit(actor=actor, action="importjob.confirm", target=job)
        enqueue_on_commit(_task(), job.pk)
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """The worker's part: a queued job is checked (the import's dry run), a confirmed one is
    imported. Claimed with a conditional UPDATE, so a job is run by one worker; finished in the
    transaction of its work, and only if still claimed by this run."""
    claim = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.CHECKING, claimed_at=claim
    ) or ImportJob.objects.filter(pk=job_id, status=Status.CONFIRMED).update(
        status=Status.IMPORTING, claimed_at=claim
    )
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job  # done already, or another worker has it
    try:
        with transaction.atomic(), translation.override(job.language or settings.LANGUAGE_CODE):
            fields = _run(job)
            fields["finished_at"] = timezone.now() if fields["status"] != Status.CHECKED else None
            if fields["status"] != Status.CHECKED:
                fields["content"] = None
            still_ours = ImportJob.objects.filter(pk=job.pk, status=job.status, claimed_at=claim)
            if not still_ours.update(**fields):
                # The sweep gave the job to another run meanwhile: that run's work stands.
                transaction.set_rollback(True)
                return job
            audit(
                actor=job.user,
                action=f"importjob.{fields['status']}",
                target=job,
                details={
                    k: fields[k] for k in ("created", "unchanged", "error_count") if fields.get(k) is not None
                },
            )
    except Exception as exc:
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk, status=job.status, claimed_at=claim).update(
                status=Status.FAILED, content=None, finished_at=timezone.now()
            )
            audit(
                actor=job.user, action="importjob.failed", target=job, details={"error": type(exc).__name__}
            )
        raise
    return ImportJob.objects.get(pk=job.pk)


def _refused(messages: list[str]) -> dict[str, Any]:
    # A message may quote a cell as the file had it: its control characters (a NUL, which a
    # PostgreSQL JSON column refuses) are not kept.
    shown = [clean_text(m) for m in messages[: settings.IMPORT_JOB_ERRORS_SHOWN]]
    return {"status": Status.REFUSED, "errors": shown, "error_count": len(messages)}


def _run(job: ImportJob) -> dict[str, Any]:
    """The check or the import of ``job``'s file; the job's new fields."""
    dry_run = job.status == Status.CHECKING
    resource_class = _resource_class(job.resource)
    if not job.user.is_active:
        return _refused([_("Tài khoản gửi tệp đã bị khóa: không nhập.")])
    try:
        target = resource_class.target_model._default_manager.get(pk=job.target_id)  # type: ignore[union-attr]
        dataset = read_file(bytes(job.content or b""), job.file_name)
        result = resource_class().import_data(
            dataset,
            dry_run=dry_run,
            user=job.user,
            file_name=job.file_name,
            progress=functools.partial(_report, job),
            **{job.target_key: target},
        )
    except ValidationError as exc:  # the file cannot be read
        return _refused(list(exc.messages))
    except (PermissionDenied, ObjectDoesNotExist):
        return _refused(
            [
                _("Không còn quyền nhập vào %(target)s (hoặc nơi này không còn): không nhập.")
                % {"target": job.target_label}
            ]
        )
    errors = errors_of(result)
    if errors:
        return _refused(errors)
    summary = result.summary
    return {
        "status": Status.CHECKED if dry_run else Status.DONE,
        "created": summary.created,
        "unchanged": summary.unchanged,
    }
