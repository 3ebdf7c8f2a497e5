"""Every write to shared data: ``<entity>_<action>(*, actor, ...)``, one transaction, one audit row.

Views, APIs, the admin (``save_model``, actions), imports, tasks and management commands all
call these functions, so there is no back door around the checks and the audit log.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors
from core.audit import audit
from core.crypto import lookup_hash
from core.models import (
    AdministrativeUnit,
    DuplicateCandidate,
    Organization,
    OutboundMessage,
    Person,
    UserScope,
)
from core.roles import STAFF_ROLES, Cap, Role, require_capability

Actor = Any  # a user, or None for the system (tasks, commands)


_require = require_capability


# --- Administrative units ---------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    province_code: str
    province_name: str
    province_type: str
    ward_code: str
    ward_name: str
    ward_type: str
    district_code: str = ""
    district_name: str = ""
    district_type: str = ""


def units_load(*, actor: Actor, scheme: str, rows: Iterable[UnitRow]) -> int:
    """Loads (or refreshes the names of) one official list of units. Idempotent."""
    _require(actor, Cap.EDIT_POPULATION)
    level = AdministrativeUnit.Level
    with transaction.atomic():
        existing = {
            (u.level, u.code): u
            for u in AdministrativeUnit.objects.filter(scheme=scheme).only("id", "level", "code")
        }
        created = 0

        def upsert(
            lvl: str, code: str, name: str, kind: str, parent: AdministrativeUnit | None
        ) -> AdministrativeUnit:
            nonlocal created
            unit = existing.get((lvl, code))
            if unit is None:
                unit = AdministrativeUnit.objects.create(
                    scheme=scheme, level=lvl, code=code, name=name, unit_type=kind, parent=parent
                )
                existing[(lvl, code)] = unit
                created += 1
            return unit

        pending: list[AdministrativeUnit] = []
        for row in rows:
            province = upsert(
                level.PROVINCE, row.province_code.zfill(2), row.province_name, row.province_type, None
            )
            parent = province
            if row.district_code:
                parent = upsert(
                    level.DISTRICT, row.district_code.zfill(3), row.district_name, row.district_type, province
                )
            code = row.ward_code.zfill(5)
            if (level.WARD, code) not in existing:
                unit = AdministrativeUnit(
                    scheme=scheme,
                    level=level.WARD,
                    code=code,
                    name=row.ward_name,
                    unit_type=row.ward_type,
                    parent=parent,
                )
                existing[(level.WARD, code)] = unit
                pending.append(unit)
        AdministrativeUnit.objects.bulk_create(pending, batch_size=2000)
        created += len(pending)
        audit(
            actor=actor,
            action="unit.load",
            target=AdministrativeUnit,
            details={"scheme": scheme, "created": created},
        )
    return created


def unit_population_set(
    *,
    actor: Actor,
    unit: AdministrativeUnit,
    total: int | None,
    age_18_plus: int | None,
    age_50_plus: int | None,
    age_65_plus: int | None,
    is_demo: bool = False,
    source: str = "",
) -> AdministrativeUnit:
    _require(actor, Cap.EDIT_POPULATION)
    if actor is not None and not selectors.units_editable_by(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Đơn vị hành chính này nằm ngoài phạm vi của bạn."))
    figures = [total, age_18_plus, age_50_plus, age_65_plus]
    if any(v is not None and v < 0 for v in figures):
        raise ValidationError(_("Dân số không được âm."))
    if total is not None and any(v is not None and v > total for v in figures[1:]):
        raise ValidationError(_("Dân số theo độ tuổi không được lớn hơn tổng dân số."))
    if age_18_plus is not None and age_50_plus is not None and age_50_plus > age_18_plus:
        raise ValidationError(_("Dân số từ 50 tuổi không được lớn hơn dân số từ 18 tuổi."))
    if age_50_plus is not None and age_65_plus is not None and age_65_plus > age_50_plus:
        raise ValidationError(_("Dân số từ 65 tuổi không được lớn hơn dân số từ 50 tuổi."))
    with transaction.atomic():
        unit.population_total = total
        unit.population_18_plus = age_18_plus
        unit.population_50_plus = age_50_plus
        unit.population_65_plus = age_65_plus
        unit.population_is_demo = is_demo
        unit.population_source = source
        unit.population_updated_at = timezone.now()
        unit.save()
        audit(actor=actor, action="unit.population_set", target=unit, details={"is_demo": is_demo})
    return unit


# --- Organizations ----------------------------------------------------------------------

ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "parent",
    "unit",
    "address",
    "contact_email",
    "contact_phone",
    "is_standing_agency",
    "is_active",
)


def _check_organization(actor: Actor, organization: Organization) -> None:
    if actor is None:
        return
    units = selectors.unit_ids_in_scope(actor)
    if units is not None and organization.unit_id not in units:
        raise PermissionDenied(_("Địa bàn của cơ quan nằm ngoài phạm vi của bạn."))
    if organization.pk and organization.parent_id == organization.pk:
        raise ValidationError(_("Cơ quan không thể trực thuộc chính nó."))


def organization_create(*, actor: Actor, **fields: Any) -> Organization:
    _require(actor, Cap.EDIT_ORGANIZATIONS)
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    organization = Organization(**fields)
    organization.full_clean()
    _check_organization(actor, organization)
    with transaction.atomic():
        if organization.is_standing_agency:
            Organization.objects.filter(is_standing_agency=True).update(is_standing_agency=False)
        organization.save()
        audit(actor=actor, action="organization.create", target=organization)
    return organization


def organization_update(*, actor: Actor, organization: Organization, **fields: Any) -> Organization:
    _require(actor, Cap.EDIT_ORGANIZATIONS)
    if (
        actor is not None
        and not selectors.organizations_editable_by(actor).filter(pk=organization.pk).exists()
    ):
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi của bạn."))
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    _check_organization(actor, organization)
    with transaction.atomic():
        if organization.is_standing_agency:
            Organization.objects.filter(is_standing_agency=True).exclude(pk=organization.pk).update(
                is_standing_agency=False
            )
        organization.save()
        audit(
            actor=actor, action="organization.update", target=organization, details={"fields": sorted(fields)}
        )
    return organization


# --- People -----------------------------------------------------------------------------


def name_key(name: str) -> str:
    """'  NGUYỄN văn  Ấn ' and 'Nguyen Van An' give the same key: no diacritics, no case."""
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", name)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = re.sub(r"[^\w\s]", " ", stripped.casefold())
    return " ".join(stripped.split())


@dataclass
class PersonData:
    """What a form, a scanned QR code or an import says about a person."""

    full_name: str
    date_of_birth: datetime.date | None = None
    birth_year: int | None = None
    sex: str = Person.Sex.UNKNOWN
    nationality: str = "VN"
    id_number: str = ""
    phone: str = ""
    address_unit: AdministrativeUnit | None = None
    address_line: str = ""

    def __post_init__(self) -> None:
        self.full_name = " ".join(self.full_name.split())
        if not self.full_name:
            raise ValidationError(_("Vui lòng nhập họ và tên."))
        if self.date_of_birth and not self.birth_year:
            self.birth_year = self.date_of_birth.year
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError(_("Ngày sinh không được ở tương lai."))
        self.id_number = re.sub(r"\s", "", self.id_number or "").upper()
        self.phone = (self.phone or "").strip()


def _apply(person: Person, data: PersonData) -> None:
    person.full_name = data.full_name
    person.name_key = name_key(data.full_name)
    person.date_of_birth = data.date_of_birth
    person.birth_year = data.birth_year
    person.sex = data.sex
    person.nationality = data.nationality
    person.id_number = data.id_number
    person.id_number_hash = lookup_hash("id_number", data.id_number) if data.id_number else ""
    person.phone = data.phone
    person.phone_hash = lookup_hash("phone", data.phone) if data.phone else ""
    person.address_unit = data.address_unit
    person.address_line = data.address_line


def person_find_match(data: PersonData) -> Person | None:
    """The existing person this data describes: same ID number, or same phone, same name
    (ignoring diacritics and case) and same birth date (or year, when only a year is known)."""
    active = Person.objects.filter(merged_into__isnull=True)
    if data.id_number:
        match = active.filter(id_number_hash=lookup_hash("id_number", data.id_number)).first()
        if match:
            return match
    if data.phone:
        candidates = active.filter(
            phone_hash=lookup_hash("phone", data.phone), name_key=name_key(data.full_name)
        )
        if data.date_of_birth:
            candidates = candidates.filter(
                Q(date_of_birth=data.date_of_birth)
                | Q(date_of_birth__isnull=True, birth_year=data.birth_year)
            )
        elif data.birth_year:
            candidates = candidates.filter(birth_year=data.birth_year)
        else:
            return None
        return candidates.first()
    return None


def _suspected_duplicates(person: Person) -> list[tuple[Person, str]]:
    active = Person.objects.filter(merged_into__isnull=True).exclude(pk=person.pk)
    found: list[tuple[Person, str]] = []
    if person.date_of_birth:
        for other in active.filter(name_key=person.name_key, date_of_birth=person.date_of_birth)[:5]:
            found.append((other, "same name and birth date"))
    if person.phone_hash:
        for other in active.filter(phone_hash=person.phone_hash, name_key=person.name_key)[:5]:
            if all(other.pk != o.pk for o, _r in found):
                found.append((other, "same phone and name, different birth date"))
    return found


def _create_person(*, actor: Actor, data: PersonData, source: str) -> Person:
    person = Person(source=source)
    _apply(person, data)
    person.save()
    for other, reason in _suspected_duplicates(person):
        DuplicateCandidate.objects.get_or_create(person=person, other=other, defaults={"reason": reason})
    return person


def person_create(*, actor: Actor, data: PersonData, source: str = Person.Source.OFFICIAL) -> Person:
    """An official records a person. An exact match is refused: the official should open it."""
    _require(actor, Cap.EDIT_PEOPLE)
    if person_find_match(data) is not None:
        raise ValidationError(
            _("Người này đã có trong hệ thống (trùng số giấy tờ hoặc điện thoại, họ tên, ngày sinh).")
        )
    with transaction.atomic():
        person = _create_person(actor=actor, data=data, source=source)
        audit(actor=actor, action="person.create", target=person, details={"source": source})
    return person


def person_resolve_for_visitor(*, data: PersonData) -> tuple[Person, bool]:
    """Finds or creates the person an anonymous visitor describes.

    A visitor's input never changes an existing person's record: the declaration keeps what
    was declared, and officials merge suspected duplicates. Finding someone writes nothing, so
    it adds no audit row of its own (the visitor is shown nothing about the person found): the
    caller's row for what it writes names the person (``checkin.create``: ``person_ids``;
    ``declaration.submit``: ``person_id``). Creating someone is audited (``person.create``).
    """
    with transaction.atomic():
        match = person_find_match(data)
        if match is not None:
            return match, False
        person = _create_person(actor=None, data=data, source=Person.Source.VISITOR)
        audit(actor=None, action="person.create", target=person, details={"source": Person.Source.VISITOR})
    return person, True


def person_update(*, actor: Actor, person: Person, data: PersonData) -> Person:
    _require(actor, Cap.EDIT_PEOPLE)
    if actor is not None:
        person = selectors.access_person_by_id(actor, person.pk)
    with transaction.atomic():
        _apply(person, data)
        person.updated_at = timezone.now()
        person.save()
        audit(actor=actor, action="person.update", target=person)
    return person


def person_merge(*, actor: Actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Merges ``duplicate`` into ``keep``: every record pointing at the duplicate (check-ins,
    samples, doses...) is moved to ``keep``, blanks in ``keep`` are filled, the duplicate is
    kept as a tombstone pointing at ``keep``."""
    _require(actor, Cap.MERGE_PEOPLE)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Không thể hợp nhất một hồ sơ với chính nó."))
    if not reason.strip():
        raise ValidationError(_("Vui lòng ghi lý do hợp nhất."))
    if actor is not None:
        keep = selectors.access_person_by_id(actor, keep.pk)
        duplicate = selectors.access_person_by_id(actor, duplicate.pk)
    with transaction.atomic():
        moved: dict[str, int] = {}
        for rel in Person._meta.related_objects:
            if rel.many_to_many or rel.related_model is DuplicateCandidate:
                continue
            field = rel.field.name
            related: Any = rel.related_model
            count = related._base_manager.filter(**{field: duplicate}).update(**{field: keep})
            if count:
                moved[related._meta.label_lower] = count
        for name in (
            "id_number",
            "id_number_hash",
            "phone",
            "phone_hash",
            "date_of_birth",
            "birth_year",
            "address_unit",
        ):
            if not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        if keep.address_unit_id and not keep.address_line:
            keep.address_line = duplicate.address_line
        keep.updated_at = timezone.now()
        keep.save()
        Person.objects.filter(pk=duplicate.pk).update(
            merged_into=keep,
            id_number="",
            id_number_hash="",
            phone="",
            phone_hash="",
            updated_at=timezone.now(),
        )
        DuplicateCandidate.objects.filter(
            (Q(person=keep) & Q(other=duplicate)) | (Q(person=duplicate) & Q(other=keep))
        ).update(status=DuplicateCandidate.Status.MERGED, resolved_by=actor, resolved_at=timezone.now())
        audit(
            actor=actor,
            action="person.merge",
            target=keep,
            reason=reason,
            details={"merged_person_id": duplicate.pk, "moved": moved},
        )
    return keep


def persons_purge_orphans(*, actor: Actor, now: datetime.datetime | None = None) -> int:
    """Deletes people who exist only because a visitor typed them in, once nothing points at
    them any more (their check-ins and declarations were deleted when their retention ended)
    and they are older than the person retention. Records officials made are kept.

    Every reverse relation to Person counts as a reference, so a later app's samples or doses
    keep their person without this function knowing about them.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PERSON_RETENTION_DAYS)
    orphans = Person.objects.filter(source=Person.Source.VISITOR, created_at__lt=cutoff)
    for rel in Person._meta.related_objects:
        if rel.many_to_many:
            continue
        related: Any = rel.related_model
        orphans = orphans.exclude(Exists(related._base_manager.filter(**{rel.field.name: OuterRef("pk")})))
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(orphans.order_by().values_list("pk", flat=True)[: settings.RETENTION_BATCH_SIZE])
            if not ids:
                break
            DuplicateCandidate.objects.filter(Q(person_id__in=ids) | Q(other_id__in=ids)).delete()
            Person.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    with transaction.atomic():
        audit(
            actor=actor,
            action="person.purge",
            target=Person,
            details={"deleted": deleted, "cutoff": cutoff.isoformat()},
        )
    return deleted


def duplicate_dismiss(*, actor: Actor, candidate: DuplicateCandidate, reason: str) -> DuplicateCandidate:
    _require(actor, Cap.MERGE_PEOPLE)
    with transaction.atomic():
        candidate.status = DuplicateCandidate.Status.DISMISSED
        candidate.resolved_by = actor if actor is not None and actor.is_authenticated else None
        candidate.resolved_at = timezone.now()
        candidate.save()
        audit(actor=actor, action="duplicate.dismiss", target=candidate, reason=reason)
    return candidate


# --- Users and scopes -------------------------------------------------------------------


def user_scope_set(
    *,
    actor: Actor,
    user: Any,
    province_wide: bool,
    units: Iterable[AdministrativeUnit] = (),
    organizations: Iterable[Organization] = (),
) -> UserScope:
    _require(actor, Cap.MANAGE_SCOPES)
    units = list(units)
    organizations = list(organizations)
    with transaction.atomic():
        scope, _created = UserScope.objects.get_or_create(user=user)
        scope.province_wide = province_wide
        scope.save()
        scope.units.set(units)
        scope.organizations.set(organizations)
        audit(
            actor=actor,
            action="scope.set",
            target=scope,
            details={
                "user_id": user.pk,
                "province_wide": province_wide,
                "unit_ids": [u.pk for u in units],
                "organization_ids": [o.pk for o in organizations],
            },
        )
    for attr in ("_portal_scope", "_portal_unit_ids"):
        user.__dict__.pop(attr, None)
    return scope


def user_save(*, actor: Actor, user: Any, created: bool, changed: Iterable[str] = ()) -> Any:
    """Saves an account (admin form or demo data) and logs it; roles follow the groups.

    Holders of officials' roles get admin access (is_staff); others lose it unless superuser.
    """
    _require(actor, Cap.MANAGE_SCOPES)
    with transaction.atomic():
        user.save()
        audit(
            actor=actor,
            action="user.create" if created else "user.update",
            target=user,
            details={"fields": sorted(changed)},
        )
    return user


def user_roles_set(*, actor: Actor, user: Any, roles: Iterable[str]) -> Any:
    from django.contrib.auth.models import Group

    _require(actor, Cap.MANAGE_SCOPES)
    roles = sorted(set(roles))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(_("Vai trò không tồn tại: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    with transaction.atomic():
        # Roles are defined in code (core.roles.Role); their groups are created by migration,
        # and re-created here if missing (e.g. a database flushed by a test run).
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        is_staff = user.is_superuser or bool(set(roles) & {str(r) for r in STAFF_ROLES})
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        audit(actor=actor, action="user.roles_set", target=user, details={"roles": roles})
    user.__dict__.pop("_portal_roles", None)
    return user


# --- Notifications ----------------------------------------------------------------------


def message_send(
    *,
    actor: Actor,
    channel: str,
    recipient: str,
    body: str,
    purpose: str,
    subject: str = "",
    attachment: tuple[str, bytes] | None = None,
) -> OutboundMessage:
    """Records a message and hands it to the worker after commit (``core.tasks.deliver_message``)."""
    from core.tasks import deliver_message

    if channel not in OutboundMessage.Channel.values:
        raise ValidationError(_("Kênh gửi không hợp lệ."))
    if not recipient.strip():
        raise ValidationError(_("Thiếu người nhận."))
    with transaction.atomic():
        message = OutboundMessage(
            channel=channel,
            recipient=recipient.strip(),
            subject=subject[:200],
            body=body,
            purpose=purpose,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        if attachment is not None:
            name, content = attachment
            message.attachment.save(name, ContentFile(content), save=False)
        message.save()
        audit(
            actor=actor,
            action="message.queue",
            target=message,
            details={"channel": channel, "purpose": purpose},
        )
        deliver_message.delay_on_commit(message.pk)  # type: ignore[attr-defined]
    return message


def message_deliver(*, message_id: int) -> OutboundMessage:
    """Sends one queued message through the gateway. Raises on a transient failure so the
    task retries; the attempt is recorded either way."""
    from core.notifications import gateway

    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().get(pk=message_id)
        if message.status == OutboundMessage.Status.SENT:
            return message  # a retried task must not send twice
        message.attempts += 1
        error: Exception | None = None
        try:
            gateway.send(message)
        except Exception as exc:
            error = exc
            message.status = OutboundMessage.Status.FAILED
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        else:
            message.status = OutboundMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save()
        audit(
            actor=None,
            action="message.send" if error is None else "message.fail",
            target=message,
            details={"attempt": message.attempts},
        )
    if error is not None:
        raise error
    return message
