"""[snapshots.NAME] declarations: defaults, and every mistake named by file and key with a fix."""
from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from config.settings import parse_config
from config.snapshots import snapshot_spec
from core.errors import ConfigError
from metrics.semantics import registry
from metrics.semantics.model import listed
from tests.conftest import run_cli
from tests.snapshots.smtp import write_config

BASE = 'recipients = [{email = "ceo@example.com", language = "zh-CN"}]\n'


def spec_of(body: str, path: Path = Path("/etc/vantage/vantage.toml")):  # noqa: ANN201 - SnapshotSpec
    registry.load_modules(registry.DEFAULT_PACK)
    raw = tomllib.loads("[snapshots.board]\n" + textwrap.dedent(body))
    config = parse_config(raw, path, {}, environ={})
    return snapshot_spec(config, "board", registry.catalogue())


def test_defaults() -> None:
    spec = spec_of(BASE)
    assert spec.schedule is None and spec.timezone.key == "UTC" and spec.period == "month"
    assert spec.on_failure == "hold" and spec.formats == ("html", "text", "csv") and not spec.programme_status
    assert spec.metrics == tuple(listed(registry.catalogue())) and spec.charts == ()  # every KPI listed
    assert spec.languages() == ["zh"] and spec.addresses("zh") == ["ceo@example.com"]


def test_a_full_declaration() -> None:
    spec = spec_of("""
        title = {en = "Board pack", zh-CN = "董事会简报"}
        schedule = "0 7 1 * *"
        timezone = "Asia/Shanghai"
        recipients = ["cfo@example.com", {email = "ceo@example.com", language = "zh-CN"}]
        metrics = ["data_accuracy", "hours_saved"]
        charts = [{metric = "error_rate", period = "quarter", department = "finance"}]
        period = "quarter"
        programme_status = true
        formats = ["html", "csv"]
        on_failure = "send_marked"
        subject = "{title} ({date})"
        """)
    assert spec.title("zh") == "董事会简报" and spec.schedule is not None and spec.timezone.key == "Asia/Shanghai"
    assert spec.languages() == ["en", "zh"] and spec.metrics == ("data_accuracy", "hours_saved")
    assert spec.charts[0].where == (("department", "finance"),) and spec.charts[0].period == "quarter"


@pytest.mark.parametrize("body, where, what", [
    (BASE + 'colour = "blue"', "[snapshots.board] colour", "unknown key 'colour'"),
    (BASE + 'schedule = "0 7 * *"', "[snapshots.board] schedule", "bad schedule: '0 7 * *' has 4 fields"),
    (BASE + 'schedule = "0 25 * * *"', "[snapshots.board] schedule", "hour: 25 is outside 0-23"),
    (BASE + 'timezone = "Mars/Olympus"', "[snapshots.board] timezone", "unknown time zone 'Mars/Olympus'"),
    ("", "[snapshots.board] recipients", "a snapshot needs at least one recipient"),
    ('recipients = ["not-an-address"]', "[snapshots.board] recipients", "'not-an-address' is not an email address"),
    ('recipients = [{email = "a@b.co", language = "fr"}]', "[snapshots.board] recipients", "unknown language 'fr'"),
    (BASE + 'metrics = ["data_acuracy"]', "[snapshots.board] metrics", "unknown metric 'data_acuracy'"),
    (BASE + 'charts = [{metric = "satisfaction", colour = "x"}]', "[snapshots.board] charts",
     "satisfaction cannot be filtered by 'colour'"),
    (BASE + 'period = "week"', "[snapshots.board] period", "'week' is not allowed"),
    (BASE + 'formats = ["html", "docx"]', "[snapshots.board] formats", "unknown format 'docx'"),
    (BASE + 'formats = ["csv"]', "[snapshots.board] formats", "a snapshot needs html or text"),
    (BASE + 'on_failure = "ignore"', "[snapshots.board] on_failure", "'ignore' is not allowed"),
    (BASE + 'programme_status = "yes"', "[snapshots.board] programme_status", "'yes' is not true or false"),
    (BASE + 'subject = "{title} {weather}"', "[snapshots.board] subject", "unknown placeholder {weather}"),
    (BASE + 'subject = "{title"', "[snapshots.board] subject", "bad subject template"),
    (BASE + 'title = {en = "Board", fr = "Conseil"}', "[snapshots.board] title", "unknown language 'fr'"),
    (BASE + 'title = 3', "[snapshots.board] title", "expected a string or a table of strings by language"),
    (BASE + 'charts = [{metric = "error_rate", period = "week"}]', "[snapshots.board] charts (chart 1) period",
     "'week' is not allowed"),
])
def test_mistakes_name_file_key_and_fix(body: str, where: str, what: str) -> None:
    with pytest.raises(ConfigError) as err:
        spec_of(body)
    assert what in err.value.what
    assert err.value.where == f"/etc/vantage/vantage.toml {where}" and err.value.fix


def test_the_catalogue_is_anything_with_dimensions() -> None:
    """config is left of metrics: a snapshot is checked against metric keys and their dimensions, nothing more."""
    raw = tomllib.loads('[snapshots.board]\n' + BASE + 'charts = [{metric = "late_invoices", department = "hr"}]\n')
    config = parse_config(raw, Path("vantage.toml"), {}, environ={})
    catalogue = {"late_invoices": SimpleNamespace(dimensions=("department",)),
                 "headcount": SimpleNamespace(dimensions=())}
    spec = snapshot_spec(config, "board", catalogue)
    assert spec.metrics == ("late_invoices", "headcount") and spec.charts[0].where == (("department", "hr"),)
    department = {"snapshots": {"board": {**raw["snapshots"]["board"], "department": "hr"}}}
    assert snapshot_spec(parse_config(department, Path("vantage.toml"), {}, environ={}), "board",
                         catalogue).metrics == ("late_invoices",)


def test_unknown_snapshot_on_the_command_line(tmp_path: Path, data_dir: Path) -> None:
    config = write_config(tmp_path, data_dir / "demo.sqlite", 25, "[snapshots.weekly]\n" + BASE)
    out = run_cli("--config", str(config), "snapshot", "send", "monthly", data_dir=tmp_path / "data")
    assert out.returncode == 2 and out.stderr.startswith("error: no snapshot named 'monthly' (declared: weekly)")
    assert "To fix this" in out.stderr and len(out.stderr.strip().splitlines()) == 1
