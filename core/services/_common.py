"""What every core service shares: who acts, and the capability check."""

from typing import Any

from core.roles import require_capability

Actor = Any  # a user, or None for the system (tasks, commands)


require = require_capability
