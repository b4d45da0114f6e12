"""Connectors turn a declared source into polars frames, through one small protocol (see base.py)."""
