"""The fuzz suites' size and randomness. Every run (CI included) sends a fixed, derandomized
number of cases; a deeper hunt by hand sets both variables, e.g.

    FUZZ_EXAMPLES=200 FUZZ_SEED=1 pytest tests/fuzz

(each test then sends FUZZ_EXAMPLES random cases, the same ones again for the same seed)."""

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, seed, settings

SEED = os.environ.get("FUZZ_SEED")


def examples(default: int) -> int:
    return int(os.environ.get("FUZZ_EXAMPLES", default))


def fuzz(default: int, suppress: list[HealthCheck] | None = None) -> Callable[[Any], Any]:
    """Hypothesis settings for a fuzz test of ``default`` cases (see above)."""
    configured = settings(
        max_examples=examples(default),
        derandomize=SEED is None,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck) if suppress is None else suppress,
    )

    def apply(test: Any) -> Any:
        test = configured(test)
        return test if SEED is None else seed(int(SEED))(test)

    return apply
