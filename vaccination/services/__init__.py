"""Every write of the vaccination app: ``<entity>_<action>(*, actor, ...)``, one audit row each.

Split by topic (catalogue, stock, sessions, appointments, administration); callers import from
``vaccination.services``.
"""

from vaccination.services.administration import (
    check_dose,
    dose_certificate_issue,
    dose_record,
    next_due_date,
    observation_end,
    screening_outcome,
    screening_record,
)
from vaccination.services.aefi import aefi_alert_recipients, aefi_alert_send, aefi_classify, aefi_report
from vaccination.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_message_send,
    appointments_due_for_reminder,
)
from vaccination.services.catalogue import (
    VACCINE_FIELDS,
    lot_create,
    lot_recall,
    priority_group_save,
    screening_question_save,
    site_create,
    vaccine_save,
)
from vaccination.services.corrections import correction_decide, correction_request
from vaccination.services.imports import DoseRow, dose_key, doses_import
from vaccination.services.sessions import session_close, session_create
from vaccination.services.stock import (
    lot_usable_problem,
    stock_add,
    stock_receive,
    stock_take,
    stock_transfer,
    stock_waste,
)

__all__ = [
    "VACCINE_FIELDS",
    "DoseRow",
    "aefi_alert_recipients",
    "aefi_alert_send",
    "aefi_classify",
    "aefi_report",
    "appointment_book",
    "appointment_cancel",
    "appointment_message_send",
    "appointments_due_for_reminder",
    "check_dose",
    "correction_decide",
    "correction_request",
    "dose_certificate_issue",
    "dose_key",
    "dose_record",
    "doses_import",
    "lot_create",
    "lot_recall",
    "lot_usable_problem",
    "next_due_date",
    "observation_end",
    "priority_group_save",
    "screening_outcome",
    "screening_question_save",
    "screening_record",
    "session_close",
    "session_create",
    "site_create",
    "stock_add",
    "stock_receive",
    "stock_take",
    "stock_transfer",
    "stock_waste",
    "vaccine_save",
]
