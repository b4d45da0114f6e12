"""metrics/history.py: each definition's version is recorded when the catalogue loads, a change with its date, and the
metric page's trend marks it, so a rule change is not mistaken for an improvement."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

import app
from config.settings import load_config
from core.errors import VantageError
from metrics.engine import history
from metrics.pack import data_quality
from metrics.semantics import registry
from metrics.semantics.model import Text
from tests.conftest import DEMO_RECORDS, TODAY

NOW = datetime(2026, 11, 27, 9, 30)


@pytest.fixture
def catalogue() -> dict:
    return registry.load_modules(registry.DEFAULT_PACK)


def test_the_first_load_records_every_definition_and_no_change(tmp_path: Path, catalogue: dict) -> None:
    path = tmp_path / history.FILE_NAME
    added = history.record(path, catalogue, NOW)
    assert {v.metric for v in added} == set(catalogue) and not any(v.is_change for v in added)
    assert all(v.version == catalogue[v.metric].definition_hash() for v in added)
    assert history.record(path, catalogue, NOW) == []  # the same code loaded again: nothing new
    assert history.changes(path) == [] and len(history.versions(path)) == len(catalogue)


def test_a_changed_definition_is_recorded_with_its_date_and_a_revert_too(tmp_path: Path, catalogue: dict) -> None:
    path = tmp_path / history.FILE_NAME
    history.record(path, catalogue, NOW)
    old = catalogue["error_rate"]
    stricter = replace(old, numerator=(pl.col("had_error") + (pl.col("manual_steps") > 10)).clip(0, 1).sum())
    later = datetime(2027, 1, 4, 8, 0)
    [change] = history.record(path, {**catalogue, "error_rate": stricter}, later)
    assert (change.metric, change.previous, change.version) == ("error_rate", old.definition_hash(),
                                                               stricter.definition_hash())
    assert change.recorded_at == later and change.is_change
    [back] = history.record(path, catalogue, datetime(2027, 2, 1))
    assert back.previous == stricter.definition_hash() and back.version == old.definition_hash()
    assert [v.recorded_at.date() for v in history.changes(path, ["error_rate"])] == [date(2027, 1, 4), date(2027, 2, 1)]
    assert history.changes(path, ["data_accuracy"]) == [] and history.changes(path, []) == []


@pytest.mark.parametrize("edit", [
    {"description": Text("Reworded for the board.", "为董事会改写。")}, {"owner": "someone_else"},
    {"title": Text("Accuracy", "准确率")}, {"target": 0.99}, {"module": "metrics.elsewhere"},
])
def test_words_owner_target_or_module_are_no_definition_change(tmp_path: Path, catalogue: dict, edit: dict) -> None:
    path = tmp_path / history.FILE_NAME
    history.record(path, catalogue, NOW)
    edited = replace(catalogue["data_accuracy"], **edit)
    assert history.record(path, {**catalogue, "data_accuracy": edited}, datetime(2027, 1, 4)) == []
    assert history.changes(path) == []


@pytest.mark.parametrize("edit", [
    {"numerator": pl.col("is_accurate").cast(pl.Int64).sum() + 1}, {"row_filter": pl.col("is_accurate").is_not_null()},
    {"table": "other_table"}, {"baseline_months": 6}, {"dimensions": ("department",)},
])
def test_what_changes_the_numbers_is_a_definition_change(tmp_path: Path, catalogue: dict, edit: dict) -> None:
    path = tmp_path / history.FILE_NAME
    history.record(path, catalogue, NOW)
    edited = replace(catalogue["data_accuracy"], **edit)
    [change] = history.record(path, {**catalogue, "data_accuracy": edited}, datetime(2027, 1, 4))
    assert change.is_change and change.previous == catalogue["data_accuracy"].definition_hash()


def test_history_written_by_the_earlier_fingerprint_reads_as_no_change(tmp_path: Path, catalogue: dict) -> None:
    """A data folder from a release that fingerprinted every field (module included) shows no false marker after an
    upgrade that also moved the pack files; a real edit made before the upgrade is still a change."""
    import sqlite3

    path = tmp_path / history.FILE_NAME
    con = sqlite3.connect(path)
    con.execute(history.SCHEMA)
    for key, metric in catalogue.items():
        old_module = metric.module.replace(".pack.", ".")
        version = metric.legacy_definition_hash(old_module)
        if key == "error_rate":  # edited in the same deploy: its recorded version is of another expression
            version = "0123456789abcdef"
        con.execute("INSERT INTO definitions (metric, version, previous, module, recorded_at) VALUES (?, ?, NULL, ?, ?)",
                    (key, version, old_module, "2026-10-01 08:00:00"))
    con.commit()
    con.close()
    added = history.record(path, catalogue, NOW)
    assert {v.metric for v in added} == set(catalogue)
    assert [v.metric for v in added if v.is_change] == ["error_rate"]
    assert history.record(path, catalogue, NOW) == []


def test_lineage_names_the_metrics_a_number_is_computed_from(catalogue: dict) -> None:
    assert history.lineage("error_reduction", catalogue) == ("error_reduction", "error_rate")
    assert history.lineage("labour_value_saved", catalogue) == ("labour_value_saved", "hours_saved")
    assert history.lineage("data_accuracy", catalogue) == ("data_accuracy",)


def test_a_damaged_history_says_how_to_fix_it(tmp_path: Path, catalogue: dict) -> None:
    path = tmp_path / history.FILE_NAME
    path.write_text("not a database")
    with pytest.raises(VantageError) as raised:
        history.record(path, catalogue, NOW)
    assert str(path) in raised.value.message and "To fix this" in raised.value.message
    assert history.versions(tmp_path / "none.sqlite") == []


def test_a_definition_change_is_recorded_at_load_and_marked_on_its_trend(
        tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "demo.sqlite").symlink_to(data_dir / "demo.sqlite")
    config = load_config(None, {"data_dir": str(folder), "today": TODAY, "demo_records": DEMO_RECORDS}, environ={})
    before = app.wire(config).catalogue["data_accuracy"].definition_hash()
    # The data team tightens the accuracy rule: an email must now also have a dot before the @.
    registry.reset()
    monkeypatch.setattr(data_quality, "ACCURATE", data_quality.ACCURATE & ~(
        pl.col("contact_email").is_not_null() & ~pl.col("contact_email").str.contains(r"\.[^@]*@")))
    rt = app.wire(config)
    after = rt.catalogue["data_accuracy"].definition_hash()
    [change] = history.changes(folder / history.FILE_NAME)
    assert (change.metric, change.previous, change.version) == ("data_accuracy", before, after)
    assert change.recorded_at.date() == date.fromisoformat(TODAY)

    from dashboard.app import create_app
    from dashboard.pages.metric import _views as views
    from dashboard.state import ViewState

    server = create_app(rt.engine, rt.config).server
    for key, marked in (("data_accuracy", True), ("hours_saved", False)):
        with server.test_request_context("/"):
            r = views.request(key, ViewState().to_data())
            figure, _shown, _note = views.trend(r, r.engine.headline(key, r.scope.filters))
        markers = [tr for tr in figure["data"] if tr.get("meta") == "definition-changed"]
        lines = [s for s in figure["layout"].get("shapes", []) if str(s.get("x0"))[:10] == TODAY]
        assert bool(markers) == marked and bool(lines) == marked, key
        if marked:
            assert [str(x)[:10] for x in markers[0]["x"]] == [TODAY]
            assert markers[0]["name"] == "Definition changed"
            assert "numbers reported before then were computed by the previous definition" in \
                markers[0]["customdata"][0].lower()


def test_the_legacy_fingerprint_is_the_one_the_earlier_release_wrote() -> None:
    """Pinned to what the release before the re-cut computed for this declaration (its definition_hash() hashed
    every field it had, the module included), so fields added since cannot turn every metric into a change."""
    from metrics.semantics.model import Direction, Metric, MetricKind, Pillar, Unit

    metric = Metric(key="k", title=Text("T", "t"), description=Text("D", "d"), pillar=Pillar.DATA_QUALITY,
                    kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.UP, target=0.9, owner="o", source="demo",
                    table="t", time_column="d", numerator=pl.col("a").sum(), denominator=pl.len(),
                    dimensions=("department",))
    assert metric.legacy_definition_hash("metrics.data_quality") == "9b698f7a41d3a90b"
