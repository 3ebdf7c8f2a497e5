"""Checkpoints (điểm kiểm dịch): registration, QR posters, check-in, check-out and tracing."""
