"""Write tests/data/query_golden.json: `python app.py query` JSON for every default metric (headline, breakdown by its
first dimension, monthly trend) on the test session's demo data. Run it only when a change is meant to move numbers:

    .venv/bin/python -m tests.data.make_query_golden
"""
from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

import app

ROOT = Path(__file__).resolve().parents[2].parent
GOLDEN = Path(__file__).resolve().parent / "query_golden.json"
TODAY = "2026-11-27"
RECORDS = 20_000


def run(data_dir: Path, *args: str) -> object:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = app.main(["--data-dir", str(data_dir), "--today", TODAY, *args])
    assert code == 0, (args, code)
    return json.loads(out.getvalue())


def questions(data_dir: Path) -> dict[str, dict[str, object]]:
    """Every default metric's three questions, answered through the command line's own entry point."""
    from config.settings import load_config  # noqa: PLC0415

    config = load_config(None, {"data_dir": str(data_dir), "today": TODAY, "demo_records": RECORDS}, environ={})
    catalogue = app.wire(config).catalogue
    answers: dict[str, dict[str, object]] = {}
    for key, metric in catalogue.items():
        answers[key] = {"headline": run(data_dir, "query", key, "--format", "json"),
                        "trend": run(data_dir, "query", key, "--grain", "month", "--format", "json")}
        if metric.dimensions:
            by = metric.dimensions[0]
            answers[key]["breakdown"] = {"by": by, "rows": run(data_dir, "query", key, "--by", by, "--format", "json")}
    return answers


def main() -> None:
    from demo import build_demo  # noqa: PLC0415 - the demo generator, only when writing

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_demo(folder / "demo.sqlite", records=RECORDS, end=date.fromisoformat(TODAY))
        GOLDEN.write_text(json.dumps(questions(folder), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
