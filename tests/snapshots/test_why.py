"""The email's "what changed" says why a ratio moved: under each ratio among the biggest movers, the slices that
moved it most (the engine's contributions, checked against SQL in tests/metrics/engine/test_contributions.py), each
with its ratio then and now and its share, and a link that opens the metric page on that slice."""
from __future__ import annotations

from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

from core import labels
from metrics.engine.periods import Filters
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import MetricKind, Unit
from snapshots.view import WHY_SLICES, WHY_SMALLEST
from tests.snapshots.smtp import SmtpServer, cli, free_port, wired, write_config

SNAPSHOT = """
[snapshots.monthly]
schedule = "0 7 1 * *"
recipients = ["ceo@example.com"]
metrics = ["data_accuracy", "automation_rate", "error_rate", "hours_saved", "access_reviews_on_time"]
formats = ["html", "text"]
on_failure = "send_marked"
"""


def test_each_ratio_mover_says_which_slices_moved_it(tmp_path: Path, data_dir: Path) -> None:
    server = SmtpServer(free_port())
    server.start()
    try:
        config = write_config(tmp_path, data_dir / "demo.sqlite", server.port, SNAPSHOT)
        assert cli(config, tmp_path / "data", "snapshot", "send", "monthly", today="2026-10-27") == 0  # September
        assert cli(config, tmp_path / "data", "snapshot", "send", "monthly") == 0  # October, against September
    finally:
        server.stop()
    message = BytesParser(policy=policy.default).parsebytes(server.received[-1].data)
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    changed = text.split("Biggest movers", 1)[1].split("\n\n", 1)[0]

    runtime = wired(config, tmp_path / "data")
    october = Filters(date(2026, 10, 1), date(2026, 11, 1))
    explained = 0
    for key in ("data_accuracy", "automation_rate", "error_rate", "access_reviews_on_time"):
        metric = runtime.engine.metric(key)
        assert metric.kind is MetricKind.RATIO
        title = metric.title("en")
        if title not in changed:
            continue  # not among the biggest movers this month
        moved = runtime.engine.movement(key, october).data
        block = changed.split(title, 1)[1].split("\n", 1)[1]
        expected = [row for row in moved.slices.head(WHY_SLICES).iter_rows(named=True)
                    if abs(row["contribution"]) >= WHY_SMALLEST]
        for row in expected:
            slice_name = labels.value_label(moved.dimension, row[moved.dimension], "en")
            line = (f"{format_delta(row['contribution'], metric.unit, 'en')}: "
                    f"{format_value(row['then_value'], metric.unit, 'en')} → "
                    f"{format_value(row['now_value'], metric.unit, 'en')}, share "
                    f"{format_value(row['then_share'], Unit.PERCENT, 'en')} → "
                    f"{format_value(row['now_share'], Unit.PERCENT, 'en')}")
            assert f"↳ {slice_name} " in block and line in block, (slice_name, line, block)
            assert f"drill={row[moved.dimension]}" in block  # the link opens the metric page on that slice
        explained += bool(expected)
    assert explained >= 1, changed
    if "Hours saved per month" in changed:  # a sum is not split into rate and mix
        assert "↳" not in changed.split("Hours saved per month", 1)[1].split("\n", 2)[1]
