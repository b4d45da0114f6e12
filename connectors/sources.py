"""Build the connectors the config declares."""
from __future__ import annotations

from typing import Mapping

from config.settings import Config, SourceSpec, resolve_placeholders
from connectors.base import Connector, Remembers
from connectors.files import FileConnector
from connectors.merge import KeySpec
from connectors.mirror import MirroredConnector
from connectors.sql import SqlConnector


def build_connector(spec: SourceSpec, config: Config) -> Connector:
    """One connector for a declared source; SQL sources are mirrored locally unless mirror = false."""
    if spec.kind == "files":
        return FileConnector(spec, resolve_placeholders(spec.path, config))
    # A SQLite file that passed its check is noted in the data folder, so other processes need not check it again.
    sql = SqlConnector(spec, resolve_placeholders(spec.url, config), checked=config.data_path / "checked" / spec.name)
    if not spec.mirror:
        return sql
    freshness = {name: t.freshness_column for name, t in spec.tables.items() if t.freshness_column}
    keys = {name: KeySpec(t.key, t.reconcile_minutes * 60) for name, t in spec.tables.items() if t.key}
    return MirroredConnector(sql, config.data_path / "mirror" / spec.name, freshness, keys)


def build_connectors(config: Config) -> dict[str, Connector]:
    """Every declared source's connector, by source name. Nothing is read yet."""
    return {name: build_connector(spec, config) for name, spec in config.sources.items()}


def forget_versions(connectors: Mapping[str, Connector]) -> int:
    """Make every connector forget the data versions, checks and copies it remembers; how many had any."""
    remembering = [c for c in connectors.values() if isinstance(c, Remembers)]
    for connector in remembering:
        connector.forget()
    return len(remembering)
