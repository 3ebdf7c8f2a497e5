"""Lab results from a lab system's file (issue 18 point 5): the import service behind the
resource of ``testing/imports.py``, set-based for files of any size."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit
from core.imports import ImportSummary, Parsed, Progress, no_progress
from testing.capabilities import TestingCap
from testing.models import Lab, LabResult
from testing.services._common import Actor, lab_in_scope, require
from testing.services.lab import ResultRow, check_numbered_rows, store_results


def results_import(
    *,
    actor: Actor,
    lab: Lab,
    rows: list[Parsed[ResultRow]],
    dry_run: bool = False,
    source: str = "",
    progress: Progress = no_progress,
) -> ImportSummary:
    """A file's results for ``lab``, with the rules of ``results_enter`` (the same checks and the
    same writes: received single samples only, pooled and rejected samples refused, a positive
    RT-PCR confirms a case). All or nothing: every row's error is raised ("Dòng N: …") and
    nothing is stored. A row whose sample already has exactly this result is skipped, so a file
    imported twice stores nothing twice; a different result is refused (a result once returned is
    not changed by a file). One audit row for the batch (``labresult.import``: the new results'
    ids, the counts, the cases). ``dry_run`` (the admin's preview) checks and rolls back."""
    require(actor, TestingCap.LAB)
    lab_in_scope(actor, lab)
    with transaction.atomic():
        good = [(r.line, r.value) for r in rows if r.value is not None]
        found, problems, unchanged = check_numbered_rows(actor, lab, good, same_ok=True)
        errors = sorted([(r.line, r.error) for r in rows if r.error] + problems, key=lambda e: e[0])
        if errors:
            raise ValidationError([message for _line, message in errors])
        progress("checked", len(rows), len(rows))
        todo = [row for line, row in good if line not in unchanged]
        ids, cases = store_results(actor, todo, found, LabResult.Via.IMPORT) if todo else ([], [])
        progress("stored", len(rows), len(rows))
        audit(
            actor=actor,
            action="labresult.import",
            target=LabResult,
            target_ids=ids,
            details={
                "lab_id": lab.pk,
                "source": source[:200],
                "rows": len(rows),
                "created": len(ids),
                "unchanged": len(unchanged),
                "cases": cases,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return ImportSummary(created=len(ids), unchanged=len(unchanged), ids=ids)
