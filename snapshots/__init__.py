"""Snapshot emails: the numbers a snapshot shows, the HTML, text and CSV it is rendered to, the outbox that sends
each occurrence exactly once, and the scheduler.

May import every package left of it (core to access) and, of the dashboard, only its pure figure, theme and address
helpers (`dashboard.figures`, `dashboard.theme`, `dashboard.state`); never `cli`.
"""
