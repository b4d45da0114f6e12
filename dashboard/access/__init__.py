"""Who may see what: users, roles, sessions, device tokens and the audit trail."""
