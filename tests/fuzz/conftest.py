"""The checkpoint fixtures, shared with the fuzz tests."""

from tests.checkpoints.conftest import agency, checkpoint, operator

__all__ = ["agency", "checkpoint", "operator"]
