"""Reads of shared data, scoped to what the user may see.

Scope rule: a user sees the administrative units of their ``UserScope`` and everything
below them, and the organizations of their scope with their sub-organizations (plus the
organizations located in their units). ``province_wide`` and superusers see everything.
A user without a scope sees nothing scoped. Other apps build their selectors on
``unit_ids_in_scope`` and ``organization_ids_in_scope``.
"""

import logging
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.actors import ApiClient
from core.capabilities import Cap
from core.models import (
    AdministrativeUnit,
    ApiToken,
    AuditLog,
    DuplicateCandidate,
    ImportJob,
    Organization,
    OutboundMessage,
    Person,
)
from core.roles import user_can

logger = logging.getLogger(__name__)

# Any: django-stubs cannot see the attributes we cache on the user object.
User = Any
QT = TypeVar("QT", bound=QuerySet)


def _scope(user: User):
    if not user.is_authenticated or isinstance(user, ApiClient):
        return None
    scope = getattr(user, "_portal_scope", False)
    if scope is False:
        from core.models import UserScope

        scope = UserScope.objects.filter(user=user).first()
        user._portal_scope = scope
    return scope


def is_unrestricted(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    scope = _scope(user)
    return bool(scope and scope.province_wide)


def unit_ids_in_scope(user: User) -> set[int] | None:
    """Unit ids the user may see, or None for no restriction."""
    if is_unrestricted(user):
        return None
    scope = _scope(user)
    if scope is None:
        return set()
    cached = getattr(user, "_portal_unit_ids", None)
    if cached is not None:
        return cached
    roots = list(scope.units.values_list("id", flat=True))
    ids = set(
        AdministrativeUnit.objects.filter(
            Q(id__in=roots) | Q(parent_id__in=roots) | Q(parent__parent_id__in=roots)
        ).values_list("id", flat=True)
    )
    user._portal_unit_ids = ids
    return ids


def organization_ids_in_scope(user: User) -> set[int] | None:
    """Organization ids the user may see, or None for no restriction. An API token acts for
    its own organization only (no units: ``unit_ids_in_scope`` is empty for it)."""
    if isinstance(user, ApiClient):
        return {user.organization_id}
    if is_unrestricted(user):
        return None
    scope = _scope(user)
    if scope is None:
        return set()
    roots = list(scope.organizations.values_list("id", flat=True))
    units = unit_ids_in_scope(user) or set()
    return set(
        Organization.objects.filter(
            Q(id__in=roots) | Q(parent_id__in=roots) | Q(parent__parent_id__in=roots) | Q(unit_id__in=units)
        ).values_list("id", flat=True)
    )


def filter_by_unit_scope(queryset: QT, user: User, field: str = "unit") -> QT:
    ids = unit_ids_in_scope(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def filter_by_organization_scope(queryset: QT, user: User, field: str = "organization") -> QT:
    ids = organization_ids_in_scope(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


# --- Administrative units ---------------------------------------------------------------


def unit_list(*, scheme: str | None = None) -> QuerySet[AdministrativeUnit]:
    """Units are public facts: everyone may list them (address selects need the whole country)."""
    return AdministrativeUnit.objects.filter(scheme=scheme or settings.ADMIN_UNIT_SCHEME)


def unit_children(*, parent_id: int | None, scheme: str | None = None) -> QuerySet[AdministrativeUnit]:
    qs = unit_list(scheme=scheme)
    if parent_id is None:
        return qs.filter(level=AdministrativeUnit.Level.PROVINCE)
    return qs.filter(parent_id=parent_id)


def province_unit(*, scheme: str | None = None) -> AdministrativeUnit:
    scheme = scheme or settings.ADMIN_UNIT_SCHEME
    code = str(settings.PROVINCE_CODE).zfill(2)
    return AdministrativeUnit.objects.get(scheme=scheme, level=AdministrativeUnit.Level.PROVINCE, code=code)


def reporting_units(*, scheme: str | None = None) -> QuerySet[AdministrativeUnit]:
    """The units that play the district's part in tables: districts (2021) or wards (2025)."""
    province = province_unit(scheme=scheme)
    level = settings.REPORTING_LEVEL
    if level == AdministrativeUnit.Level.DISTRICT:
        return AdministrativeUnit.objects.filter(parent=province, level=level)
    return AdministrativeUnit.objects.filter(
        Q(parent=province) | Q(parent__parent=province), level=AdministrativeUnit.Level.WARD
    )


def reporting_unit_map(*, scheme: str | None = None) -> dict[int, int]:
    """Every unit id of the province -> the id of its unit at the reporting level."""
    province = province_unit(scheme=scheme)
    rows: dict[int, dict[str, Any]] = {
        u["id"]: dict(u)
        for u in AdministrativeUnit.objects.filter(
            Q(pk=province.pk) | Q(parent=province) | Q(parent__parent=province)
        ).values("id", "parent_id", "level")
    }
    mapping: dict[int, int] = {}
    for unit_id in rows:
        current: dict[str, Any] | None = rows[unit_id]
        while current is not None and current["level"] != settings.REPORTING_LEVEL:
            current = rows.get(current["parent_id"])
        if current is not None:
            mapping[unit_id] = current["id"]
    return mapping


def reporting_unit_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    """The unit at the reporting level that contains ``unit`` (itself if already there)."""
    current: AdministrativeUnit | None = unit
    while current is not None and current.level != settings.REPORTING_LEVEL:
        current = current.parent
    return current or unit


def units_editable_by(user: User) -> QuerySet[AdministrativeUnit]:
    if not user_can(user, Cap.EDIT_POPULATION):
        return AdministrativeUnit.objects.none()
    return filter_by_unit_scope(unit_list(), user, field="id")


# --- Organizations ----------------------------------------------------------------------


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    if not user_can(user, Cap.VIEW_ORGANIZATIONS):
        return Organization.objects.none()
    return filter_by_organization_scope(
        Organization.objects.select_related("unit", "parent"), user, field="id"
    )


def api_tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """Integration keys of the organizations in scope, for those who manage keys."""
    if not user_can(user, Cap.MANAGE_API_TOKENS):
        return ApiToken.objects.none()
    return filter_by_organization_scope(ApiToken.objects.select_related("organization"), user)


def access_import_job(user: User, job_id: int, resources: list[str]) -> ImportJob:
    """A background import job of one of ``resources`` (dotted paths), for the person who sent
    it (a superuser: any); 404 otherwise, whoever else asks."""
    jobs = ImportJob.objects.defer("content").filter(pk=job_id, resource__in=resources)
    job = jobs.first() if user.is_superuser else jobs.filter(user_id=user.pk).first()
    if job is None:
        raise Http404
    return job


def import_jobs_of(user: User, resources: list[str], limit: int = 10) -> list[ImportJob]:
    """The latest background import jobs ``user`` sent of one of ``resources`` (their own only,
    as ``access_import_job`` shows them)."""
    jobs = ImportJob.objects.defer("content", "errors").filter(user_id=user.pk, resource__in=resources)
    return list(jobs.order_by("-created_at", "-id")[:limit])


def import_job_progress(job: ImportJob) -> dict[str, Any] | None:
    """A running import job's last stage as its worker reported it: {"stage", "done", "total"}."""
    from core.imports import job_progress_key  # core.imports reads people through these selectors

    try:
        return cache.get(job_progress_key(job))
    except Exception:  # the cache being down costs the progress line, not the page
        logger.warning("import job %s: progress unavailable", job.pk, exc_info=True)
        return None


def organizations_editable_by(user: User) -> QuerySet[Organization]:
    if not user_can(user, Cap.EDIT_ORGANIZATIONS):
        return Organization.objects.none()
    return organizations_visible_to(user)


def standing_agency() -> Organization | None:
    return Organization.objects.filter(is_standing_agency=True).first()


# --- People -----------------------------------------------------------------------------


def persons_visible_to(user: User) -> QuerySet[Person]:
    """People whose address lies in the user's units. Reading them must be audited by the caller
    (``core.audit.audit_read``) with the ids actually shown."""
    if not user_can(user, Cap.VIEW_PEOPLE):
        return Person.objects.none()
    qs = Person.objects.filter(merged_into__isnull=True).select_related("address_unit")
    return filter_by_unit_scope(qs, user, field="address_unit")


def access_person_by_id(user: User, person_id: int) -> Person:
    """One person the user may see, or 404 (not 403: do not confirm that the id exists)."""
    if not user_can(user, Cap.VIEW_PEOPLE):
        raise PermissionDenied
    try:
        return persons_visible_to(user).get(pk=person_id)
    except Person.DoesNotExist as exc:
        raise Http404 from exc


def duplicates_visible_to(user: User) -> QuerySet[DuplicateCandidate]:
    if not user_can(user, Cap.MERGE_PEOPLE):
        return DuplicateCandidate.objects.none()
    visible = persons_visible_to(user)
    return DuplicateCandidate.objects.filter(person__in=visible, other__in=visible).select_related(
        "person", "other"
    )


# --- Audit and messages -----------------------------------------------------------------


def audit_visible_to(user: User) -> QuerySet[AuditLog]:
    if not user_can(user, Cap.VIEW_AUDIT):
        return AuditLog.objects.none()
    return AuditLog.objects.select_related("actor")


def messages_visible_to(user: User) -> QuerySet[OutboundMessage]:
    if not user_can(user, Cap.VIEW_MESSAGES):
        return OutboundMessage.objects.none()
    return OutboundMessage.objects.all()


def message_recipients(*, purpose: str) -> set[str]:
    """Who was already sent (or queued) a message for ``purpose`` (system read: a retried
    delivery task skips them)."""
    return set(OutboundMessage.objects.filter(purpose=purpose).values_list("recipient", flat=True))
