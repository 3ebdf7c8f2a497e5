"""Who acts in tests that set up data or run the system's jobs (services refuse a missing actor)."""

from core.actors import SystemActor, Visitor

SYSTEM = SystemActor("test")
VISITOR = Visitor("test")
