"""The command line as a user runs it: output, one-line errors and exit codes."""
from __future__ import annotations

import filecmp
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from metrics.semantics import registry
from tests.conftest import ROOT, TODAY, run_cli


def default_metrics() -> int:
    """How many metrics the default pack declares (the test's catalogue is reset afterwards)."""
    return len(registry.load_modules(registry.DEFAULT_PACK))


def test_metrics_lists_the_catalogue(data_dir: Path) -> None:
    out = run_cli("metrics", "--format", "json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    keys = [m["metric"] for m in json.loads(out.stdout)]
    assert "data_accuracy" in keys and "cost_savings_annualized" in keys and len(keys) == default_metrics()


def test_query_table_shows_formatted_numbers_and_status(data_dir: Path) -> None:
    out = run_cli("query", "data_accuracy", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    header, rule, row = out.stdout.splitlines()
    assert header.split()[:3] == ["metric", "value", "previous"] and row.split()[0] == "data_accuracy"
    assert row.split()[1].endswith("%") and " pp " in row
    assert any(f"  {status}  " in row for status in ("On track", "At risk", "Off track"))  # the decision's words


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
    count = default_metrics()
    assert check.returncode == 0 and f"{count} metrics, 1 sources: catalogue ok" in check.stdout
    warm = run_cli("cache", "warm", data_dir=tmp_path)
    assert warm.returncode == 0 and f"warmed {count} of {count} metrics" in warm.stdout
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


def test_global_options_go_after_the_command_too(tmp_path: Path, data_dir: Path) -> None:
    config = tmp_path / "vantage.toml"
    config.write_text((ROOT / "config" / "demo.toml").read_text())
    check = run_cli("check", "--config", str(config), data_dir=data_dir)
    assert check.returncode == 0 and "catalogue ok" in check.stdout, check.stderr
    # run_cli puts --today 2026-11-27 before the command; the one after it wins: September is the last full month.
    out = run_cli("query", "error_rate", "--today", "2026-10-15", "--format", "json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["start"] == "2026-09-01"
    assert run_cli("query", "error_rate", "--language", "zh", data_dir=data_dir).stdout.startswith("metric")


def test_an_unknown_where_value_is_exit_2_naming_the_known_values(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "demo.sqlite") as con:
        known = [r[0] for r in con.execute("SELECT DISTINCT department FROM process_runs ORDER BY 1")]
    out = run_cli("query", "error_rate", "--where", "department=nosuch", data_dir=data_dir)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == (f"error: error_rate has no department 'nosuch' (--where department=nosuch). "
                                  f"To fix this, use one of: {', '.join(known)}")
    other = run_cli("query", "error_rate", "--where", "colour=red", data_dir=data_dir)
    assert other.returncode == 2 and "cannot be broken down by 'colour'" in other.stderr


def test_grain_with_by_gives_a_trend_per_slice(data_dir: Path) -> None:
    out = run_cli("query", "error_rate", "--by", "department", "--grain", "quarter", "--from", "2026-01-01", "--to",
                  "2026-06-30", "--format", "json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    with sqlite3.connect(data_dir / "demo.sqlite") as con:
        expected = con.execute(
            "SELECT printf('%04d-%02d-01', CAST(strftime('%Y', started_at) AS INT), "
            "(CAST(strftime('%m', started_at) AS INT) - 1) / 3 * 3 + 1) AS quarter, department, "
            "avg(had_error), count(*) FROM process_runs WHERE started_at >= '2026-01-01' AND started_at < '2026-07-01' "
            "GROUP BY quarter, department ORDER BY quarter, department").fetchall()
    got = [(r["period"], r["department"], r["value"], r["rows"]) for r in json.loads(out.stdout)]
    assert [g[:2] for g in got] == [e[:2] for e in expected] and len({g[0] for g in got}) == 2
    assert [g[3] for g in got] == [e[3] for e in expected]
    assert [g[2] for g in got] == pytest.approx([e[2] for e in expected])


def test_grain_without_a_period_is_the_whole_history(data_dir: Path) -> None:
    out = run_cli("query", "error_rate", "--grain", "month", "--format", "json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    with sqlite3.connect(data_dir / "demo.sqlite") as con:
        expected = con.execute("SELECT substr(started_at, 1, 7) || '-01' AS month, avg(had_error), count(*) "
                               "FROM process_runs WHERE started_at < ? GROUP BY month ORDER BY month",
                               (TODAY,)).fetchall()
    got = [(r["period"], r["value"], r["rows"]) for r in json.loads(out.stdout)]
    assert len(got) > 12 and [(p, n) for p, _, n in got] == [(p, n) for p, _, n in expected]
    assert [v for _, v, _ in got] == pytest.approx([v for _, v, _ in expected])


def test_cache_clear_forgets_the_data_versions(tmp_path: Path, data_dir: Path) -> None:
    """Within the TTL the source is not asked again; `cache clear` makes the next question ask it."""
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "demo.sqlite")
    args = ("query", "satisfaction", "--format", "json")

    def sql_value() -> float:
        with sqlite3.connect(tmp_path / "demo.sqlite") as con:
            return con.execute("SELECT avg(satisfaction) FROM service_requests WHERE opened_at >= '2026-10-01' AND "
                               "opened_at < '2026-11-01' AND satisfaction IS NOT NULL").fetchone()[0]

    before = sql_value()
    assert json.loads(run_cli(*args, data_dir=tmp_path).stdout)[0]["value"] == pytest.approx(before)
    shutil.copy(tmp_path / "demo.sqlite", tmp_path / "export.sqlite")
    with sqlite3.connect(tmp_path / "export.sqlite") as con:
        con.execute("UPDATE service_requests SET satisfaction = 5 WHERE satisfaction IS NOT NULL")
    os.replace(tmp_path / "export.sqlite", tmp_path / "demo.sqlite")
    assert json.loads(run_cli(*args, data_dir=tmp_path).stdout)[0]["value"] == pytest.approx(before)  # TTL 300 s
    clear = run_cli("cache", "clear", data_dir=tmp_path)
    assert clear.returncode == 0 and "and the data versions of 1 source(s)" in clear.stdout
    assert json.loads(run_cli(*args, data_dir=tmp_path).stdout)[0]["value"] == sql_value() == 5


def test_the_demo_is_built_up_to_the_pinned_day_byte_for_byte(tmp_path: Path) -> None:
    def build(name: str, today: str) -> Path:
        out = run_cli("demo", "--records", "2000", "--out", str(tmp_path / name), "--today", today,
                      data_dir=tmp_path)
        assert out.returncode == 0, out.stderr
        return tmp_path / name

    first, again = build("a.sqlite", "2026-06-30"), build("b.sqlite", "2026-06-30")
    other = build("c.sqlite", "2026-05-31")
    assert filecmp.cmp(first, again, shallow=False)
    assert not filecmp.cmp(first, other, shallow=False)
    with sqlite3.connect(first) as con:  # built up to the day before the pinned one, not up to the build day
        assert con.execute("SELECT max(started_at) FROM process_runs").fetchone()[0] < "2026-06-30"
        assert con.execute("SELECT max(started_at) FROM process_runs").fetchone()[0] >= "2026-06-29"
