"""How the CLI prints rows: an aligned table, JSON or CSV (the one CSV writer, without a byte-order mark)."""
from __future__ import annotations

import json
from typing import Any, Sequence

from core.csvfile import csv_text


def print_rows(header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> None:
    """Rows as an aligned text table, JSON (a list of objects) or CSV."""
    if fmt == "csv":
        print(csv_text(header, rows, bom=False), end="")
        return
    if fmt == "json":
        print(json.dumps([dict(zip(header, r)) for r in rows], ensure_ascii=False, indent=1))
        return
    cells = [list(map(str, header))] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def emit(header: list[str], raw: list[list[Any]], shown: list[list[str]], fmt: str) -> None:
    """A table whose JSON and CSV carry raw values and whose text table carries the formatted ones."""
    print_rows(header, shown if fmt == "table" else raw, fmt)
