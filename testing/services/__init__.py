"""Every write of the testing app (``<entity>_<action>(*, actor, ...)``, one audit row each)."""

from testing.services.cases import (
    confirm_from_result,
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
from testing.services.lab import (
    ResultRow,
    check_result_rows,
    pool_create,
    pool_result_correct,
    pool_result_enter,
    results_enter,
    sample_reject,
    samples_receive,
)
from testing.services.setup import campaign_create, lab_create, site_create

__all__ = [
    "ResultRow",
    "campaign_create",
    "check_result_rows",
    "code_taken_message",
    "confirm_from_result",
    "confirms",
    "contact_notify",
    "contacts_mark",
    "lab_create",
    "notice_text",
    "pool_create",
    "pool_result_correct",
    "pool_result_enter",
    "result_certificate",
    "result_send",
    "result_text",
    "results_enter",
    "sample_collect",
    "sample_reject",
    "samples_receive",
    "site_create",
    "trace_window",
]
