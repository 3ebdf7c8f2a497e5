"""Vaccination lists from a file (issue 19 point 9; layout in docs/vaccination.md): the import
service behind the resource of ``vaccination/imports.py``, set-based for files of any size."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rollups
from core.audit import audit
from core.bulk import bulk_insert
from core.imports import ImportSummary, Parsed, Progress, line_error, no_progress, repeated, repeated_error
from core.services import PersonData, name_key
from core.services.people_bulk import people_resolve
from vaccination.capabilities import VaccinationCap
from vaccination.models import Dose, Lot, Site, Vaccine
from vaccination.retention import DOSE_ROLLUP
from vaccination.services._common import Actor, require, site_for
from vaccination.services.administration import check_dose, next_due_date

CHUNK = 5000


@dataclass
class DoseRow:
    """One dose of a vaccination list: who, which product and lot, which dose, when."""

    person: PersonData
    vaccine: str
    lot: str
    dose_number: int
    administered_at: datetime.datetime
    vaccinator_name: str = ""


def dose_key(row: DoseRow) -> str:
    """The natural key of a row: the person as the file names them, and the dose number."""
    p = row.person
    who = p.id_number or f"{p.phone}/{name_key(p.full_name)}/{p.date_of_birth or p.birth_year}"
    return _("%(who)s mũi %(n)d") % {"who": who, "n": row.dose_number}


def _catalogue(rows: list[tuple[int, DoseRow]]) -> tuple[dict[str, Vaccine], dict[tuple[int, str], Lot]]:
    vaccines: dict[str, Vaccine] = {}
    for vaccine in Vaccine.objects.all():
        vaccines.setdefault(vaccine.product_code.casefold(), vaccine)
        vaccines[vaccine.name.casefold()] = vaccine
    numbers = sorted({row.lot.strip().upper() for _n, row in rows})
    lots: dict[tuple[int, str], Lot] = {}
    for start in range(0, len(numbers), CHUNK):
        for lot in Lot.objects.filter(number__in=numbers[start : start + CHUNK]).select_related("vaccine"):
            lots[(lot.vaccine_id, lot.number.upper())] = lot
    return vaccines, lots


@dataclass
class _Planned:
    """A dose of the file, checked and to be written: what ``check_dose`` and the later rows of
    the same person read of a dose (a tuple is written, not a model instance per row)."""

    dose_number: int
    vaccine: Vaccine
    lot: Lot
    administered_at: datetime.datetime

    @property
    def lot_id(self) -> int:
        return self.lot.pk


def _same(dose: Dose | _Planned, lot: Lot, at: datetime.datetime) -> bool:
    return dose.lot_id == lot.pk and timezone.localdate(dose.administered_at) == timezone.localdate(at)


DOSE_FIELDS = [
    "person_id",
    "vaccine_id",
    "lot_id",
    "dose_number",
    "series_doses",
    "administered_at",
    "site_id",
    "vaccinator_name",
    "next_due_date",
]


def doses_import(
    *,
    actor: Actor,
    site: Site,
    rows: list[Parsed[DoseRow]],
    dry_run: bool = False,
    source: str = "",
    progress: Progress = no_progress,
) -> ImportSummary:
    """Past doses of a list (e.g. from the national platform) recorded at ``site``, with the
    rules of ``dose_record`` that apply to a dose already given (``check_dose(historical=True)``:
    the dose number follows the person's last dose, the intervals, the booster count, the lot
    not expired on the day nor recalled before it). Unlike ``dose_record`` no stock is taken:
    the doses were given before the portal counted stock (docs/vaccination.md).

    People are found as ``person_find_match`` finds them and never changed; someone not found is
    created (source "import"). A dose the person already has with the same lot and day is
    skipped (re-importing a list stores nothing twice); a different one is refused. All or
    nothing: every row's error ("Dòng N: …") is raised and nothing is stored. One audit row for
    the batch (``dose.import``: the new doses' ids, the people created, the counts)."""
    require(actor, VaccinationCap.ADMINISTER)
    site = site_for(actor, site)
    with transaction.atomic():
        errors = [(r.line, r.error) for r in rows if r.error]
        good = [(r.line, r.value) for r in rows if r.value is not None]
        again = repeated((line, dose_key(row)) for line, row in good)
        errors += [
            (line, repeated_error(line, dose_key(row), again[line])) for line, row in good if line in again
        ]
        vaccines, lots = _catalogue(good)
        latest = timezone.now() + datetime.timedelta(minutes=5)  # a dose cannot be later (as dose_record)
        valid: list[tuple[int, DoseRow, Lot]] = []
        for line, row in good:
            if line in again:
                continue
            vaccine = vaccines.get(row.vaccine.strip().casefold())
            lot = lots.get((vaccine.pk, row.lot.strip().upper())) if vaccine else None
            if vaccine is None:
                errors.append(
                    (line, line_error(line, _("không có vắc xin “%(name)s”.") % {"name": row.vaccine[:60]}))
                )
            elif lot is None:
                errors.append(
                    (
                        line,
                        line_error(
                            line,
                            _("không có lô %(lot)s của vắc xin %(name)s.")
                            % {"lot": row.lot[:40], "name": vaccine.name},
                        ),
                    )
                )
            elif row.administered_at > latest:
                errors.append((line, line_error(line, _("Thời điểm tiêm không được ở tương lai."))))
            else:
                valid.append((line, row, lot))
        people, created_people = people_resolve([row.person for _l, row, _lot in valid])
        progress("checked", len(valid), len(rows))
        stored: dict[int, list[Dose | _Planned]] = {}
        person_ids = sorted({p.pk for p in people} - set(created_people))  # the new have none
        for start in range(0, len(person_ids), CHUNK):
            for dose in (
                Dose.objects.filter(person_id__in=person_ids[start : start + CHUNK])
                .select_related("vaccine")
                .order_by("person_id", "dose_number")
            ):
                stored.setdefault(dose.person_id, []).append(dose)
        new: list[tuple[object, ...]] = []
        zone = timezone.get_current_timezone()  # once, not once a row
        first: datetime.date | None = None  # the earliest day written (the roll-up's)
        unchanged = 0
        for (line, row, lot), person in zip(valid, people, strict=True):
            previous = stored.setdefault(person.pk, [])
            existing = next((d for d in previous if d.dose_number == row.dose_number), None)
            if existing is not None:
                if _same(existing, lot, row.administered_at):
                    unchanged += 1
                else:
                    errors.append(
                        (
                            line,
                            line_error(
                                line,
                                _("người này đã có mũi %(n)d khác (lô %(lot)s, ngày %(day)s).")
                                % {
                                    "n": row.dose_number,
                                    "lot": existing.lot.number,
                                    "day": f"{timezone.localtime(existing.administered_at):%d/%m/%Y}",
                                },
                            ),
                        )
                    )
                continue
            try:
                primary = check_dose(
                    lot=lot,
                    dose_number=row.dose_number,
                    at=row.administered_at,
                    previous=previous,  # type: ignore[arg-type]  # Dose or _Planned: the same attributes
                    historical=True,
                )
            except ValidationError as exc:
                errors.append((line, line_error(line, " ".join(exc.messages))))
                continue
            day = row.administered_at.astimezone(zone).date()
            previous.append(_Planned(row.dose_number, lot.vaccine, lot, row.administered_at))
            new.append(
                (
                    person.pk,
                    lot.vaccine_id,
                    lot.pk,
                    row.dose_number,
                    primary,
                    row.administered_at,
                    site.pk,
                    row.vaccinator_name[:120],
                    next_due_date(dose_number=row.dose_number, primary_doses=primary, lot=lot, day=day),
                )
            )
            first = day if first is None or day < first else first
        if errors:
            raise ValidationError([message for _line, message in sorted(errors, key=lambda e: e[0])])
        ids = bulk_insert(Dose, DOSE_FIELDS, new)  # COPY on PostgreSQL (core/bulk.py)
        progress("stored", len(rows), len(rows))
        if first is not None:
            rollups.mark_stale(DOSE_ROLLUP, first)
        audit(
            actor=actor,
            action="dose.import",
            target=Dose,
            target_ids=ids,
            details={
                "site_id": site.pk,
                "source": source[:200],
                "rows": len(rows),
                "created": len(ids),
                "unchanged": unchanged,
                "people_created": created_people,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return ImportSummary(created=len(ids), unchanged=unchanged, ids=ids)
