"""A department's snapshot is rendered in that department's scope, exactly as its lead sees the dashboard."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from config.snapshots import snapshot_spec
from core.errors import ConfigError
from tests.conftest import run_cli
from tests.snapshots.smtp import cli, parts, smtp_server, wired, write_config  # noqa: F401

FINANCE = """
[snapshots.finance_weekly]
title = "Finance weekly"
recipients = [{email = "lead.finance@example.com", language = "en"}]
metrics = ["data_accuracy", "error_rate"]
department = "finance"
period = "month"
"""


def test_department_snapshot_numbers_are_the_departments(tmp_path: Path, data_dir: Path, smtp_server) -> None:  # noqa: ANN001, F811
    config = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, FINANCE)
    assert cli(config, tmp_path / "data", "snapshot", "send", "finance_weekly") == 0
    (received,) = smtp_server.received
    assert received.rcpt_tos == ["lead.finance@example.com"]
    (body,) = parts(received.message)["attachments"].values()
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    for key in ("data_accuracy", "error_rate"):
        mine = json.loads(run_cli("query", key, "--where", "department=finance", "--format", "json",
                                  data_dir=data_dir).stdout)[0]
        everyone = json.loads(run_cli("query", key, "--format", "json", data_dir=data_dir).stdout)[0]
        assert float(rows[key]["value_raw"]) == mine["value"] != everyone["value"]


def test_department_snapshot_refuses_what_is_outside_the_scope(tmp_path: Path, data_dir: Path) -> None:
    bad = FINANCE.replace('metrics = ["data_accuracy", "error_rate"]', 'metrics = ["milestones_on_time"]')
    runtime = wired(write_config(tmp_path, data_dir / "demo.sqlite", 2525, bad), tmp_path / "data")
    with pytest.raises(ConfigError, match="unknown metric 'milestones_on_time'"):
        snapshot_spec(runtime.config, "finance_weekly", runtime.engine.catalogue)
    status = FINANCE + "programme_status = true\n"
    runtime = wired(write_config(tmp_path, data_dir / "demo.sqlite", 2525, status), tmp_path / "data")
    with pytest.raises(ConfigError, match="not part of a department's scope"):
        snapshot_spec(runtime.config, "finance_weekly", runtime.engine.catalogue)
