"""An app installed only by tests/core/test_capabilities.py: it declares a capability of its own."""
