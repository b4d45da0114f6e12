"""An alert rule's declaration, [alerts.NAME] in the config, read and checked: every problem names the file and key.

    [alerts.accuracy_off_track]
    metric = "data_accuracy"
    when = "off_track"                 # off_track: its status becomes off track (from any other status)
                                       # above / below: its value crosses `threshold` (from the other side)
                                       # stale: its source's newest row is older than `hours`, or it cannot be read
    threshold = 0.95                   # above and below only, in the metric's own unit (a share: 0.95)
    hours = 48                         # stale only
    period = "month"                   # month, quarter, ytd or last_90d: the period judged (the last complete one)
    department = "finance"             # optional: judge that slice
    recipients = ["owner@example.com", {email = "cfo@example.com", language = "zh-CN"}]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from config.fields import Dimensioned, choice, declared, no_unknown
from config.settings import Config
from config.snapshots import PERIODS, Recipient, _recipients
from core.errors import ConfigError

KEYS = ("metric", "when", "threshold", "hours", "period", "department", "recipients")
WHEN = ("off_track", "above", "below", "stale")


@dataclass(frozen=True)
class AlertSpec:
    """One declared alert rule, checked against the metric catalogue."""

    name: str
    metric: str
    when: str
    threshold: float | None
    hours: float | None
    period: str
    department: str | None
    recipients: tuple[Recipient, ...]

    def languages(self) -> list[str]:
        return list(dict.fromkeys(r.language for r in self.recipients))

    def addresses(self, lang: str) -> list[str]:
        return [r.email for r in self.recipients if r.language == lang]


def alert_specs(config: Config, catalogue: Mapping[str, Dimensioned]) -> dict[str, AlertSpec]:
    return {name: alert_spec(config, name, catalogue) for name in config.alerts}


def alert_spec(config: Config, name: str, catalogue: Mapping[str, Dimensioned]) -> AlertSpec:
    """The checked declaration of [alerts.NAME]; ConfigError naming the file and key when it is wrong."""
    raw, section = declared(config.alerts, "alerts", name, config.path)
    no_unknown(raw, KEYS, section)
    metric = str(raw.get("metric", ""))
    if metric not in catalogue:
        raise ConfigError(f"unknown metric {metric!r}", f"{section} metric",
                          f"use one of: {', '.join(sorted(catalogue))}")
    when = choice(raw, "when", "off_track", WHEN, section, name_key=False)
    threshold = _number(raw, "threshold", section) if when in ("above", "below") else None
    hours = _number(raw, "hours", section) if when == "stale" else None
    for key, needed in (("threshold", ("above", "below")), ("hours", ("stale",))):
        if key in raw and when not in needed:
            raise ConfigError(f"{key} is not used when when = \"{when}\"", f"{section} {key}",
                              f"leave {key} out, or use when = \"{needed[0]}\"")
    department = raw.get("department")
    if department is not None:
        if not isinstance(department, str) or not department.strip():
            raise ConfigError("department must be a department id", f"{section} department",
                              "write department = \"finance\"")
        if config.scope_dimension not in catalogue[metric].dimensions:
            raise ConfigError(f"{metric} is not broken down by {config.scope_dimension}", f"{section} department",
                              "leave department out for this metric")
    return AlertSpec(name, metric, when, threshold, hours,
                     choice(raw, "period", "month", PERIODS, section, name_key=False), department,
                     _recipients(raw.get("recipients"), config.language, f"{section} recipients"))


def _number(raw: Mapping[str, Any], key: str, section: str) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        example = "threshold = 0.95 (a share), or 40 (hours)" if key == "threshold" else "hours = 48"
        raise ConfigError(f"{key} must be a number, not {value!r}", f"{section} {key}", f"write {example}")
    return float(value)
