"""Every write to shared data: ``<entity>_<action>(*, actor, ...)``, one transaction, one audit row.

Views, APIs, the admin (``save_model``, actions), imports, tasks and management commands all
call these functions, so there is no back door around the checks and the audit log.

The package splits by what it is about; callers import from ``core.services``.
"""

from core.services.accounts import (
    GUARDED_FIELDS,
    user_roles_set,
    user_save,
    user_scope_set,
)
from core.services.citizen_check import citizen_check_start, citizen_check_verify
from core.services.import_jobs import import_job_confirm, import_job_create, import_job_run
from core.services.keys import key_rotation_batch
from core.services.merge import duplicate_dismiss, person_merge, persons_purge_orphans
from core.services.messages import message_deliver, message_send
from core.services.organizations import ORGANIZATION_FIELDS, organization_create, organization_update
from core.services.people import (
    PersonData,
    name_key,
    person_create,
    person_find_match,
    person_resolve_for_visitor,
    person_update,
)
from core.services.recovery import daily_jobs_catch_up, stalled_work_resume
from core.services.retention import retention_purge, rollup_rebuild, rollups_fold
from core.services.tokens import api_token_create, api_token_revoke
from core.services.twofactor import login_unlock, twofactor_enrol, twofactor_reset, twofactor_verify
from core.services.units import UnitRow, unit_population_set, units_load

__all__ = [
    "GUARDED_FIELDS",
    "ORGANIZATION_FIELDS",
    "PersonData",
    "UnitRow",
    "api_token_create",
    "api_token_revoke",
    "citizen_check_start",
    "citizen_check_verify",
    "daily_jobs_catch_up",
    "duplicate_dismiss",
    "import_job_confirm",
    "import_job_create",
    "import_job_run",
    "key_rotation_batch",
    "login_unlock",
    "message_deliver",
    "message_send",
    "name_key",
    "organization_create",
    "organization_update",
    "person_create",
    "person_find_match",
    "person_merge",
    "person_resolve_for_visitor",
    "person_update",
    "persons_purge_orphans",
    "retention_purge",
    "rollup_rebuild",
    "rollups_fold",
    "stalled_work_resume",
    "twofactor_enrol",
    "twofactor_reset",
    "twofactor_verify",
    "unit_population_set",
    "units_load",
    "user_roles_set",
    "user_save",
    "user_scope_set",
]
