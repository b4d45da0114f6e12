"""Scheduled snapshot emails: the engine's numbers rendered as email, queued in an outbox, delivered over SMTP."""
