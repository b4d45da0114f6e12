"""The command line as a user runs it: output, one-line errors and exit codes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli


def test_metrics_lists_the_catalogue(data_dir: Path) -> None:
    out = run_cli("metrics", "--format", "json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    keys = [m["metric"] for m in json.loads(out.stdout)]
    assert "data_accuracy" in keys and "cost_savings_annualized" in keys and len(keys) == 21


def test_query_table_shows_formatted_numbers_and_status(data_dir: Path) -> None:
    out = run_cli("query", "data_accuracy", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    header, rule, row = out.stdout.splitlines()
    assert header.split()[:3] == ["metric", "value", "previous"] and row.split()[0] == "data_accuracy"
    assert row.split()[1].endswith("%") and " pp " in row
    assert any(status in row.split() for status in ("on_track", "at_risk", "off_track"))


def test_query_in_chinese(data_dir: Path) -> None:
    out = run_cli("--language", "zh", "query", "audit_cycle_days", "--by", "department", data_dir=data_dir)
    assert out.returncode == 0 and "天" in out.stdout


def test_query_csv_and_filters(data_dir: Path) -> None:
    out = run_cli("query", "error_rate", "--where", "department=finance", "--grain", "quarter", "--from",
                  "2025-07-01", "--to", "2026-06-30", "--format", "csv", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "period,value,rows" and [l.split(",")[0] for l in lines[1:]] == [
        "2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01"]


@pytest.mark.parametrize("args, message", [
    (["query", "data_acuracy"], "unknown metric 'data_acuracy'"),
    (["query", "data_accuracy", "--where", "department"], "bad filter 'department'"),
    (["query", "data_accuracy", "--from", "2026-13-01", "--to", "2026-12-01"], "bad date"),
    (["query", "data_accuracy", "--from", "2026-01-01"], "--from and --to go together"),
    (["query", "data_accuracy", "--by", "colour"], "cannot be broken down by 'colour'"),
    (["query", "data_accuracy", "--grain", "hour"], "unknown grain 'hour'"),
    (["--config", "/nonexistent.toml", "metrics"], "config file /nonexistent.toml does not exist"),
])
def test_bad_input_is_one_line_and_exit_2(data_dir: Path, args: list[str], message: str) -> None:
    out = run_cli(*args, data_dir=data_dir)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("error: ") and message in out.stderr and "To fix this" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_source_down_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "demo.sqlite").write_text("this is not a database")
    out = run_cli("query", "data_accuracy", data_dir=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("error: ") and "source demo" in out.stderr and "Traceback" not in out.stderr
    debug = run_cli("--debug", "query", "data_accuracy", data_dir=tmp_path)
    assert "Traceback" in debug.stderr


def test_source_down_after_a_good_answer_prints_it_marked_stale(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "data" / "demo.sqlite")
    config = tmp_path / "vantage.toml"
    config.write_text((ROOT / "config" / "demo.toml").read_text().replace("cache_ttl_seconds = 300",
                                                                          "cache_ttl_seconds = 0.01"))
    args = ("--config", str(config), "query", "satisfaction", "--format", "json")
    good = run_cli(*args, data_dir=tmp_path / "data")
    assert good.returncode == 0, good.stderr
    (tmp_path / "data" / "demo.sqlite").unlink()
    stale = run_cli(*args, data_dir=tmp_path / "data")
    assert stale.returncode == 1
    assert "does not exist" in stale.stderr and "showing the last good value" in stale.stderr
    [before], [after] = json.loads(good.stdout), json.loads(stale.stdout)
    assert after["value"] == before["value"] and after["stale"] is True and before["stale"] is False


def test_check_and_cache_commands(tmp_path: Path, data_dir: Path) -> None:
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "demo.sqlite")
    check = run_cli("check", data_dir=tmp_path)
    assert check.returncode == 0 and "21 metrics, 1 sources: catalogue ok" in check.stdout
    warm = run_cli("cache", "warm", data_dir=tmp_path)
    assert warm.returncode == 0 and "warmed 21 of 21 metrics" in warm.stdout
    clear = run_cli("cache", "clear", data_dir=tmp_path)
    assert clear.returncode == 0 and clear.stdout.startswith("cleared ")


def test_a_reader_that_stops_early_gets_no_error(data_dir: Path) -> None:
    """`python app.py league | head -1`: the rest of the table has nowhere to go, and that is no error."""
    import os
    import subprocess
    import sys

    from tests.conftest import TODAY

    environ = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    line = subprocess.run(
        f"{sys.executable} app.py --data-dir {data_dir} --today {TODAY} --language en query data_accuracy --grain day "
        "| head -1", shell=True, capture_output=True, text=True, cwd=ROOT, env=environ, timeout=300)
    assert line.stdout.startswith("period") and line.stderr == ""
