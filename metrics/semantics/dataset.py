"""A dataset: one table's facts, declared once, which the metrics reading it name (metrics/semantics/shapes.py)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.i18n import Text


@dataclass(frozen=True)
class Dataset:
    """Where a table's rows are, the column that dates them, how they are cut and what one record shows.

    `drill_path` is the order a number opens in (department, then system, ...), some or all of the dimensions; left
    out, it is the dimensions in their order. `primary_key` names the columns that identify one record, when the
    table has such columns; `headings` gives a column's heading where its name is not what a reader should see.

    How the table is read is not declared here: its missing-value markers, column types, the format of its text
    dates, a CSV's delimiter or encoding are the table's read options in the config
    (`[sources.NAME.tables.TABLE]`, config/read_options.py), which the connector applies before a metric sees a row.
    """

    key: str
    source: str
    table: str
    time_column: str
    dimensions: tuple[str, ...] = ()
    drill_path: tuple[str, ...] = ()
    detail_columns: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()
    headings: Mapping[str, Text] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.drill_path:
            object.__setattr__(self, "drill_path", self.dimensions)
