"""What every core service shares: who acts, and the capability check."""

from core.actors import Actor, SystemActor, Visitor, is_system, user_of
from core.roles import require_capability

__all__ = ["Actor", "SystemActor", "Visitor", "is_system", "require", "user_of"]


require = require_capability
