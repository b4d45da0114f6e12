"""Who may see what: roles, users, wall-screen device tokens and the audit trail, with their commands. Used by the
web app, the command line and the snapshots alike.

May import `core`, `config`, `connectors`, `metrics` and `programme`.
"""
