"""Reads of checkpoints and check-ins, scoped to the user.

The package splits by topic (scoping and look-ups, check-ins, tracing, statistics); callers
import from ``checkpoints.selectors``. The retention boundary is ``checkpoints.retention``.
"""

from checkpoints.selectors.checkins import (
    MaskedCheckin,
    checkins_masked,
    checkins_of_submission,
    submission_stored,
)
from checkpoints.selectors.checkpoints import (
    RevokedCode,
    access_checkpoint,
    checkpoint_by_token,
    checkpoint_operator_candidates,
    checkpoints_approvable_by,
    checkpoints_manageable_by,
    checkpoints_operated_by,
    checkpoints_visible_to,
)
from checkpoints.selectors.statistics import (
    SCAN_COUNTS,
    adoption_figures,
    checkin_folded_until,
    checkin_rollup_state,
    checkin_stats,
    checkin_totals,
    checkpoints_registered_before,
    live_stats,
    measured_by_organization,
    silent_checkpoint_ids,
    silent_checkpoints,
    silent_checkpoints_named,
)
from checkpoints.selectors.tracing import (
    VISIT_FIELDS,
    TraceResult,
    case_candidates,
    case_candidates_by_ids,
    identities_for,
    trace_case,
    trace_checkpoint,
    trace_contacts_queryset,
    trace_visits,
    tracing_scope,
)

__all__ = [
    "SCAN_COUNTS",
    "VISIT_FIELDS",
    "MaskedCheckin",
    "RevokedCode",
    "TraceResult",
    "access_checkpoint",
    "adoption_figures",
    "case_candidates",
    "case_candidates_by_ids",
    "checkin_folded_until",
    "checkin_rollup_state",
    "checkin_stats",
    "checkin_totals",
    "checkins_masked",
    "checkins_of_submission",
    "checkpoint_by_token",
    "checkpoint_operator_candidates",
    "checkpoints_approvable_by",
    "checkpoints_manageable_by",
    "checkpoints_operated_by",
    "checkpoints_registered_before",
    "checkpoints_visible_to",
    "identities_for",
    "live_stats",
    "measured_by_organization",
    "silent_checkpoint_ids",
    "silent_checkpoints",
    "silent_checkpoints_named",
    "submission_stored",
    "trace_case",
    "trace_checkpoint",
    "trace_contacts_queryset",
    "trace_visits",
    "tracing_scope",
]
