"""metrics/engine/headline.py: when the data ends before the last complete month, that month gives way to the
latest month before it that has rows, and the headline says which month it is for; any other period, and a month
the data covers, is answered as asked."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import app
from config.settings import load_config
from metrics.engine.periods import Filters, resolve_period
from metrics.semantics import registry

TODAY = date(2026, 11, 27)  # the last complete month is October 2026; the rows stop in August
# (ticket_id, opened_on, team, resolved): May to August 2026; the "night" team's last rows are in June.
ROWS = [(i, date(2026, 5, 1) + timedelta(days=i % 123), "night" if i % 123 < 61 and i % 2 else "day", i % 4 != 0)
        for i in range(1, 400)]

MODULE = '''
import polars as pl

from metrics import Dataset, Direction, Pillar, Text, register, share

TICKETS = Dataset(key="tickets", source="desk", table="tickets", time_column="opened_on", dimensions=("team",))


def declare() -> None:
    register(share("resolved_share", TICKETS, pl.col("resolved") == "yes", good=Direction.UP, target=0.9,
                   title=Text("Tickets resolved", "已解决工单"), description=Text("Share resolved.", "已解决占比。"),
                   pillar=Pillar.DATA_QUALITY, owner="Service desk"))
'''


@pytest.fixture
def engine(tmp_path: Path):
    (tmp_path / "tickets.csv").write_text("ticket_id,opened_on,team,resolved\n" + "".join(
        f"{i},{day.isoformat()},{team},{'yes' if done else 'no'}\n" for i, day, team, done in ROWS))
    module = f"desk_latest_{abs(hash(str(tmp_path)))}"
    (tmp_path / f"{module}.py").write_text(MODULE)
    (tmp_path / "vantage.toml").write_text(f'''[vantage]
default_metrics = false
metric_modules = ["{module}"]
plan_source = ""

[sources.desk]
kind = "files"
path = "{tmp_path}"
''')
    registry.reset()
    config = load_config(str(tmp_path / "vantage.toml"), {"data_dir": str(tmp_path / "data"),
                                                          "today": TODAY.isoformat()}, environ={})
    return app.wire(config).engine


def plain_share(month: date, team: str | None = None) -> tuple[float | None, int]:
    """The share resolved of the tickets opened in a month (of one team), counted in plain Python."""
    rows = [r for r in ROWS if (r[1].year, r[1].month) == (month.year, month.month) and team in (None, r[2])]
    return (sum(r[3] for r in rows) / len(rows) if rows else None), len(rows)


def test_an_empty_last_month_gives_way_to_the_latest_month_with_rows(engine) -> None:
    asked = Filters(*resolve_period("month", TODAY))
    assert (asked.start, asked.end) == (date(2026, 10, 1), date(2026, 11, 1))
    h = engine.headline("resolved_share", asked).data
    assert (h.start, h.end, h.latest_with_data) == (date(2026, 8, 1), date(2026, 9, 1), True)
    value, rows = plain_share(date(2026, 8, 1))
    assert rows and h.rows == rows and h.value == pytest.approx(value)
    assert h.previous == pytest.approx(plain_share(date(2026, 7, 1))[0])  # compared with the month before it
    assert h.decision.period("en") == "Aug 2026"


def test_a_slice_moves_to_its_own_latest_month(engine) -> None:
    asked = Filters(*resolve_period("month", TODAY), where=(("team", "night"),))
    h = engine.headline("resolved_share", asked).data
    assert (h.start, h.latest_with_data) == (date(2026, 6, 1), True)
    assert (h.value, h.rows) == (pytest.approx(plain_share(date(2026, 6, 1), "night")[0]),
                                 plain_share(date(2026, 6, 1), "night")[1])


@pytest.mark.parametrize("start, end", [
    (date(2026, 8, 1), date(2026, 9, 1)),  # a month with rows
    (date(2026, 9, 1), date(2026, 10, 1)),  # an empty month that is not the last complete one: as asked
    (date(2026, 8, 1), date(2026, 11, 1)),  # a longer period
])
def test_other_periods_are_answered_as_asked(engine, start: date, end: date) -> None:
    h = engine.headline("resolved_share", Filters(start, end)).data
    assert (h.start, h.end, h.latest_with_data) == (start, end, False)
    rows = sum(start <= r[1] < end for r in ROWS)
    assert h.rows == rows and (h.value is None) == (rows == 0)


def test_a_slice_that_never_had_rows_stays_on_the_month_asked(engine) -> None:
    asked = Filters(*resolve_period("month", TODAY), where=(("team", "weekend"),))
    h = engine.headline("resolved_share", asked).data
    assert (h.start, h.rows, h.value, h.latest_with_data) == (date(2026, 10, 1), 0, None, False)


def test_a_month_the_data_covers_is_answered_as_asked_even_without_rows_of_the_slice(engine) -> None:
    """On 15 Sep 2026 the last complete month is August, which the data covers: the night team had no ticket then."""
    in_september = replace(engine, now=lambda: datetime(2026, 9, 15, 9, 0))
    asked = Filters(*resolve_period("month", date(2026, 9, 15)), where=(("team", "night"),))
    h = in_september.headline("resolved_share", asked).data
    assert (h.start, h.rows, h.value, h.latest_with_data) == (date(2026, 8, 1), 0, None, False)
    assert in_september.headline("resolved_share", replace(asked, where=())).data.rows == plain_share(asked.start)[1]
