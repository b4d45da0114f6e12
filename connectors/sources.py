"""Build the connectors the config declares."""
from __future__ import annotations

from config.settings import Config, SourceSpec, resolve_placeholders
from connectors.base import Connector
from connectors.files import FileConnector
from connectors.mirror import MirroredConnector
from connectors.sql import SqlConnector


def build_connector(spec: SourceSpec, config: Config) -> Connector:
    """One connector for a declared source; SQL sources are mirrored locally unless mirror = false."""
    if spec.kind == "files":
        return FileConnector(spec, resolve_placeholders(spec.path, config))
    sql = SqlConnector(spec, resolve_placeholders(spec.url, config))
    if not spec.mirror:
        return sql
    freshness = {name: t.freshness_column for name, t in spec.tables.items() if t.freshness_column}
    return MirroredConnector(sql, config.data_path / "mirror" / spec.name, freshness)


def build_connectors(config: Config) -> dict[str, Connector]:
    """Every declared source's connector, by source name. Nothing is read yet."""
    return {name: build_connector(spec, config) for name, spec in config.sources.items()}
