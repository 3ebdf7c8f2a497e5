"""Every write of the testing app (``<entity>_<action>(*, actor, ...)``, one audit row each)."""

from testing.services.cases import (
    confirm_from_result,
    confirm_from_results,
    confirms,
    contact_notify,
    contacts_mark,
    notice_text,
    result_send,
    result_text,
    trace_window,
)
from testing.services.certificates import result_certificate
from testing.services.collection import code_taken_message, sample_collect
from testing.services.imports import results_import
from testing.services.lab import (
    OUTCOME_WORDS,
    ResultRow,
    check_numbered_rows,
    check_result_rows,
    pool_create,
    pool_result_correct,
    pool_result_enter,
    result_key,
    results_enter,
    sample_reject,
    samples_receive,
    store_results,
)
from testing.services.setup import campaign_create, lab_create, site_create

__all__ = [
    "OUTCOME_WORDS",
    "ResultRow",
    "campaign_create",
    "check_numbered_rows",
    "check_result_rows",
    "code_taken_message",
    "confirm_from_result",
    "confirm_from_results",
    "confirms",
    "contact_notify",
    "contacts_mark",
    "lab_create",
    "notice_text",
    "pool_create",
    "pool_result_correct",
    "pool_result_enter",
    "result_certificate",
    "result_key",
    "result_send",
    "result_text",
    "results_enter",
    "results_import",
    "sample_collect",
    "sample_reject",
    "samples_receive",
    "site_create",
    "store_results",
    "trace_window",
]
