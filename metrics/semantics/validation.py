"""Validate the whole catalogue at start-up with small rules; report every problem at once."""
from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping

import polars as pl

from config.read_options import TIME_OF_DAY
from config.settings import SliceTarget
from connectors.base import Connector, Schema, Where
from connectors.reading import guess_time_format
from core.errors import SourceError, VantageError
from metrics.semantics.compile import type_problems
from metrics.semantics.model import Metric, MetricKind, TargetScope

Rule = Callable[[Metric, Mapping[str, Metric]], Iterable[str]]


def _where(metric: Metric) -> str:
    return f"{metric.key} ({metric.module})"


def key_is_a_name(metric: Metric, _: Mapping[str, Metric]) -> Iterable[str]:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", metric.key):
        yield f"{_where(metric)}: key must be lower_snake_case"


def has_words(metric: Metric, _: Mapping[str, Metric]) -> Iterable[str]:
    for name in ("title", "description"):
        text = getattr(metric, name)
        for language in ("en", "zh"):
            if not getattr(text, language).strip():
                yield f"{_where(metric)}: missing {name} in {language}"
    if not metric.owner.strip():
        yield f"{_where(metric)}: missing owner"


def has_target(metric: Metric, _: Mapping[str, Metric]) -> Iterable[str]:
    if metric.target is None:
        yield f"{_where(metric)}: missing target"


def sample_is_positive(metric: Metric, _: Mapping[str, Metric]) -> Iterable[str]:
    if metric.min_sample is not None and metric.min_sample < 1:
        yield f"{_where(metric)}: min_sample must be at least 1 (or left out for its unit's default)"


def kind_has_its_parts(metric: Metric, catalogue: Mapping[str, Metric]) -> Iterable[str]:
    kind = metric.kind
    if kind is MetricKind.SIMPLE and metric.value is None:
        yield f"{_where(metric)}: a simple metric needs value="
    if kind is MetricKind.RATIO and (metric.numerator is None or metric.denominator is None):
        yield f"{_where(metric)}: a ratio metric needs numerator= and denominator="
    if kind is MetricKind.CHANGE:
        if metric.base not in catalogue:
            yield f"{_where(metric)}: base metric '{metric.base}' is not in the catalogue"
        elif catalogue[metric.base].kind in (MetricKind.CHANGE, MetricKind.DERIVED):
            yield f"{_where(metric)}: base metric '{metric.base}' must be simple or ratio"
    if kind is MetricKind.DERIVED:
        if not metric.inputs or metric.formula is None:
            yield f"{_where(metric)}: a derived metric needs inputs= and formula="
        for key in metric.inputs:
            if key not in catalogue:
                yield f"{_where(metric)}: input metric '{key}' is not in the catalogue"
            elif catalogue[key].kind is MetricKind.DERIVED:
                yield f"{_where(metric)}: input metric '{key}' must not itself be derived"
        if metric.formula is not None:
            for name in set(metric.formula.meta.root_names()) - set(metric.inputs):
                yield f"{_where(metric)}: formula uses '{name}', which is not one of its inputs"


def drill_path_is_dimensions(metric: Metric, _: Mapping[str, Metric]) -> Iterable[str]:
    for level in metric.drill_path:
        if level not in metric.dimensions:
            yield f"{_where(metric)}: drill level '{level}' is not one of its dimensions"


def reads_a_table(metric: Metric, _: Mapping[str, Metric]) -> Iterable[str]:
    if not (metric.source and metric.table and metric.time_column):
        yield f"{_where(metric)}: needs source=, table= and time_column="


RULES: tuple[Rule, ...] = (key_is_a_name, has_words, has_target, sample_is_positive, kind_has_its_parts,
                           drill_path_is_dimensions, reads_a_table)


def target_problems(catalogue: Mapping[str, Metric], targets: Iterable[SliceTarget], config: str) -> list[str]:
    """Problems of the config's per-slice targets ([[targets]]) against the catalogue, each naming its entry."""
    problems = []
    for n, entry in enumerate(targets, 1):
        where = f"{config} [[targets]] #{n} ({entry.metric} {entry.dimension}={entry.value})"
        metric = catalogue.get(entry.metric)
        if metric is None:
            problems.append(f"{where}: unknown metric '{entry.metric}'; use one of: {', '.join(catalogue)}")
        elif metric.target_scope is not TargetScope.PER_SLICE:
            problems.append(f"{where}: {_where(metric)} declares target_scope={metric.target_scope.name}, so a "
                            "slice's own target is not used; declare target_scope=TargetScope.PER_SLICE on the metric "
                            "or remove the entry")
        elif entry.dimension not in metric.dimensions:
            problems.append(f"{where}: {metric.key} has no dimension '{entry.dimension}'; use one of: "
                            f"{', '.join(metric.dimensions) or 'none'}")
    return problems


def schema_problems(metric: Metric, schema: Schema, connector: Connector | None = None) -> Iterable[str]:
    """Problems of a metric against its table's schema: missing columns, a time column that is no date, and its
    expressions compiled over the schema (compile.py). The connector, when given, lends a few values of a text time
    column so the fix can name the time_format they are written in."""
    own = metric.columns() if metric.kind in (MetricKind.SIMPLE, MetricKind.RATIO) else (
        {metric.time_column} | set(metric.dimensions) | set(metric.detail_columns))
    for column in sorted(own - set(schema)):
        yield (f"{_where(metric)}: column '{column}' does not exist in {metric.source}.{metric.table} "
               f"(it has: {', '.join(schema)})")
    time_type = schema.get(metric.time_column)
    if time_type is not None and not (time_type == pl.Date or isinstance(time_type, pl.Datetime)):
        yield (f"{_where(metric)}: time column '{metric.time_column}' is {time_type}, not a date or timestamp. "
               f"To fix this, {_time_fix(metric, time_type, connector)}")
    yield from type_problems(metric, schema)


def _time_fix(metric: Metric, time_type: pl.DataType, connector: Connector | None) -> str:
    """How to make a text time column a date: the time_format its values are written in, when one fits them."""
    if time_type != pl.String:
        return "name a date or timestamp column as time_column="
    column, section = metric.time_column, f"[sources.{metric.source}.tables.{metric.table}]"
    found = None
    if connector is not None:
        try:
            found = guess_time_format(connector.scan(metric.table, [column], Where()).head(200).collect()[column])
        except (VantageError, pl.exceptions.PolarsError):
            found = None
    if found is None:
        return (f'declare dtypes = {{"{column}" = "Date"}} and the time_format its text is written in (e.g. '
                f'"%Y-%m-%d" or "%d/%m/%Y %H:%M") for table {metric.table} in {section}')
    kind = "Datetime" if TIME_OF_DAY.search(found) else "Date"
    return (f'declare time_format = "{found}" and dtypes = {{"{column}" = "{kind}"}} for table {metric.table} in '
            f"{section}")


def validate(catalogue: Mapping[str, Metric], connectors: Mapping[str, Connector],
             duplicates: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(catalogue problems, source failures). The first block start-up; the second only its metrics' tiles."""
    problems = list(duplicates)
    for metric in catalogue.values():
        for rule in RULES:
            problems.extend(rule(metric, catalogue))
    failures: list[str] = []
    schemas: dict[tuple[str, str], Schema | None] = {}
    for metric in catalogue.values():
        if not metric.source:
            continue
        if metric.source not in connectors:
            problems.append(f"{_where(metric)}: unknown source '{metric.source}' (declared: "
                            f"{', '.join(connectors) or 'none'})")
            continue
        ident = (metric.source, metric.table)
        if ident not in schemas:
            try:
                schemas[ident] = connectors[metric.source].schema(metric.table)
            except SourceError as exc:
                schemas[ident] = None
                failures.append(exc.message)
        if schemas[ident] is not None:
            problems.extend(schema_problems(metric, schemas[ident], connectors[metric.source]))  # type: ignore[arg-type]
    return problems, failures
