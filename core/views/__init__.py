"""Core pages: the public home, the officials' portal home, health checks (``pages``) and the
officials' login with its second factor and throttle (``login``)."""

from core.views.login import PortalLoginView, login_unlock, otp_enrol, otp_recovery_codes, otp_verify
from core.views.pages import healthz, home, portal_home, readyz, retention_policy

__all__ = [
    "PortalLoginView",
    "healthz",
    "home",
    "login_unlock",
    "otp_enrol",
    "otp_recovery_codes",
    "otp_verify",
    "portal_home",
    "readyz",
    "retention_policy",
]
