"""Vantage settings: one loader, one precedence rule, and the error types every layer shares."""
