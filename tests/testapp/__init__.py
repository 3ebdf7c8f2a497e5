"""A test-only app (installed by config.settings.test): models that stand for the apps still to
come, e.g. a sample that points at a person through a hidden relation."""
