"""Root fixtures. Shared app fixtures live in tests/core/fixtures.py and are loaded here."""

pytest_plugins = ["tests.core.fixtures"]
