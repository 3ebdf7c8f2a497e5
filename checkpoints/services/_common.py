"""What the checkpoints services share: who acts, and the capability check."""

from typing import Any

from core.roles import require_capability

Actor = Any  # a user, or None for the system (tasks, the visitor's own check-in)


require = require_capability


def human(actor: Actor) -> Any:
    """The actor to store in ``registered_by``-style columns (None for the system or a visitor)."""
    return actor if actor is not None and actor.is_authenticated else None
