"""What the checkpoints services share: who acts, and the capability check."""

from core.actors import Actor, is_system, user_of
from core.roles import require_capability

__all__ = ["Actor", "human", "is_system", "require"]

require = require_capability
# The user to store in ``registered_by``-style columns (None for the system or a visitor).
human = user_of
