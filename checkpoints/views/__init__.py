"""HTML pages of the checkpoints app: the visitor's check-in, the officials' and operators'
pages, and contact tracing."""
