"""The numbers as tables, as the command line prints them: a header, the raw values and the text shown.

`query` prints exactly what the dashboard shows (the same engine answers, formatted by the same rules), so a
reader can check a tile against it; `maturity` and `league` print the assessment scores and the league table.
"""
from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

import polars as pl

from core.errors import UsageError
from metrics.engine.answers import Answer, Headline
from metrics.engine.periods import DimensionFilters, Filters
from metrics.engine.protocol import Questions
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Grain, Unit


class Table(NamedTuple):
    header: list[str]
    raw: list[list[Any]]  # values as computed (json, csv)
    shown: list[list[str]]  # values as the dashboard writes them (the terminal table)


QueryAnswer = Answer[Headline] | Answer[pl.DataFrame]  # a headline, or a breakdown or trend frame


def query_table(engine: Questions, key: str, filters: Filters, lang: str, by: str | None = None,
                grain: str | None = None) -> tuple[Table, QueryAnswer]:
    """A metric's headline, its breakdown `by` a dimension, its trend at a `grain`, or both: a trend per slice;
    with the engine's answer (stale, with the reason, when a source failed and the last good value stands in)."""
    from cli.slices import sliced_trend

    metric = engine.metric(key)
    fmt = lambda v: format_value(v, metric.unit, lang)  # noqa: E731
    try:
        chosen = Grain(grain) if grain else None
    except ValueError:
        raise UsageError(f"unknown grain '{grain}'", "--grain", "use day, week, month or quarter") from None
    if by and chosen:
        sliced = sliced_trend(engine, metric.key, filters, by, chosen)
        raw = [[r["period"].isoformat(), r[by], r["value"], r["rows"]] for r in sliced.data.iter_rows(named=True)]
        return (Table(["period", by, "value", "rows"], raw, [[a, str(b), fmt(c), str(d)] for a, b, c, d in raw]),
                sliced)
    if by:
        answer = engine.breakdown(metric.key, filters, by)
        raw = [[r[by], r["value"], r["rows"]] for r in answer.data.iter_rows(named=True)]
        return Table([by, "value", "rows"], raw, [[str(a), fmt(b), str(c)] for a, b, c in raw]), answer
    if chosen:
        answer = engine.trend(metric.key, filters, chosen)
        raw = [[r["period"].isoformat(), r["value"], r["rows"]] for r in answer.data.iter_rows(named=True)]
        return Table(["period", "value", "rows"], raw, [[a, fmt(b), str(c)] for a, b, c in raw]), answer
    headline = engine.headline(metric.key, filters)
    h, decision = headline.data, headline.data.decision  # the status decision: target, status and why, as shown
    raw = [[metric.key, h.value, h.previous, h.delta, h.baseline, h.target,
            h.target_date.isoformat() if h.target_date else None, h.status.value, h.rows,
            h.start.isoformat(), h.end.isoformat(),
            headline.data_as_of.isoformat(sep=" ") if headline.data_as_of else None, headline.stale,
            decision.period(lang), decision.evidence.min_sample, decision.sentence(lang)]]
    header = ["metric", "value", "previous", "delta", "baseline", "target", "target_date", "status", "rows",
              "start", "end_exclusive", "data_as_of", "stale", "period", "min_sample", "why"]
    shown = [[metric.key, fmt(h.value), fmt(h.previous), format_delta(h.delta, metric.unit, lang), fmt(h.baseline),
              fmt(h.target), raw[0][6] or "", decision.label(lang), str(h.rows), raw[0][9], raw[0][10],
              raw[0][11] or "", "stale" if headline.stale else "", decision.period(lang),
              str(decision.evidence.min_sample), decision.sentence(lang)]]
    return Table(header, raw, shown), headline


def maturity_table(engine: Questions, today: date, where: DimensionFilters,
                   at: date | None = None) -> tuple[Table, str]:
    """Every dimension's score at every assessment, or at `at` (KPIs of the month before, latest questionnaire);
    with why some scores stand on last good values ('' when none do)."""
    from programme.assessment import assess_at, assessments

    found = [assess_at(engine, at, today, where)] if at else assessments(engine, today, where)
    header = ["assessment", "assessed_on", "kpi_month", "dimension", "rule_level", "questionnaire", "score", "target"]
    raw = [[a.assessment_id, a.assessed_on.isoformat(), a.kpi_month.isoformat()[:7], s.dimension.key, s.rule_level,
            s.questionnaire, s.score, s.dimension.target] for a in found for s in a.scores]
    shown = [[("" if c is None else f"{c:.2f}" if isinstance(c, float) else str(c)) for c in row] for row in raw]
    return Table(header, raw, shown), "; ".join(a.stale for a in found if a.stale)


def league_table(engine: Questions, filters: Filters, lang: str) -> tuple[Table, str]:
    """The league table: rank, department, score and every KPI with a department dimension; with why some
    cells stand on last good values ('' when none do)."""
    from programme.league import league

    table = league(engine, filters)
    units = {k: engine.metric(k).unit for k in table.metrics}
    header = ["rank", "department", "on_target", "judged", "score", "previous_rank", "rank_change", *table.metrics]
    raw, shown = [], []
    for r in table.rows:
        head = [r.rank, r.department, r.on_target, r.judged, r.score, r.previous_rank, r.rank_change]
        values = [r.cells[k].value for k in table.metrics]
        raw.append(head + values)
        shown.append(["" if c is None else str(c) for c in head[:4]]
                     + [format_value(r.score, Unit.PERCENT, lang) if r.score is not None else ""]
                     + ["" if head[5] is None else str(head[5]),
                        "" if head[6] is None else f"{head[6]:+d}" if head[6] else "0"]
                     + [format_value(v, units[k], lang) for k, v in zip(table.metrics, values)])
    return Table(header, raw, shown), table.stale
