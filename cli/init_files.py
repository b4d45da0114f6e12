"""The two files `python app.py init` writes from a proposal: the config (vantage.toml) and the starter metric module
(metrics_NAME.py, in the authoring vocabulary of `metrics`). Every name and value goes through a JSON string
literal, which is a valid TOML basic string and a valid Python string, so column names with spaces, parentheses or
quotes are written right."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from config.read_options import ReadOptions
from connectors.profile import DATE, DATETIME, TEXT, Column, Flag, Proposal
from connectors.sample import Sample, name_for

DETAIL_COLUMNS = 12  # a record shows at most this many columns
DRILL_LEVELS = 3
COMPLETENESS_TARGET = 0.95


@dataclass(frozen=True)
class Written:
    """Where init writes: the config, the metric module beside it, and the config's data folder."""

    config: Path
    module: Path
    data: Path


def q(text: str) -> str:
    """A quoted string literal for TOML and Python alike."""
    return json.dumps(text, ensure_ascii=False)


def config_text(sample: Sample, proposal: Proposal, written: Written, password_env: str) -> str:
    """vantage.toml: the login off for a local trial, the source with its table's read options, the module."""
    name, time_column = sample.name, proposal.time
    assert time_column is not None
    lines = [
        f"# Vantage config for {q(Path(sample.location).name if sample.kind != 'sql' else sample.table)}, written by "
        f"`python app.py init` on {date.today()}.",
        f"# Check it after an edit: python app.py --config {written.config} check",
        "", "[vantage]",
        "# For a local trial only: with the login off, anyone who can reach the dashboard's address sees every number",
        "# (as an administrator would). With login_required = true each reader signs in as a user with a role",
        "# (executive, pmo, department_lead, admin; a department lead sees only their department's numbers). Turn it",
        "# on before anyone else can reach this dashboard, and add users (kept in data_dir) with, e.g.:",
        f"#   python app.py --config {written.config} user add alice --role executive",
        "login_required = false",
        "default_metrics = false  # the built-in metric pack reads the demo database, which this config does not have",
        f"metric_modules = [{q(written.module.stem)}]  # {written.module.name}, beside this file",
        'plan_source = ""  # no programme plan (phases, milestones) for this data',
        f"data_dir = {q(str(written.data))}  # this config's cache, local copies, users and audit trail",
        "", f"[sources.{name}]",
    ]
    if sample.kind == "sql":
        import sqlalchemy as sa

        url = sa.make_url(sample.location)
        bare = sa.URL.create(url.drivername, url.username, None, url.host, url.port, url.database, url.query)
        lines.append('kind = "sql"')
        lines.append(f"url = {q(bare.render_as_string(hide_password=False))}")
        if password_env:
            lines.append(f"password_env = {q(password_env)}  # export {password_env} with the database password")
    else:
        lines += ['kind = "files"', f"path = {q(str(Path(sample.location).parent))}"]
    lines += ["freshness_sla_hours = 48  # how old the newest row may be before the numbers are marked as behind",
              "", f"[sources.{name}.tables.{name}]"]
    if sample.kind == "sql":
        if sample.table != name:  # a table name that is no TOML bare key ("Penguins Raw") is read through a query
            lines.append(f"query = {q(f'SELECT * FROM {_quoted(sample.location, sample.table)}')}")
    else:
        lines.append(f"path = {q(sample.location)}")
    lines.append(f"freshness_column = {q(time_column.name)}  # its newest value is the data's as-of")
    lines += _read_options(sample, proposal)
    return "\n".join(lines) + "\n"


def _quoted(url: str, table: str) -> str:
    """The table's name quoted as the database's SQL dialect quotes names (no connection is made)."""
    import sqlalchemy as sa

    return str(sa.create_engine(url).dialect.identifier_preparer.quote(table))


def _read_options(sample: Sample, proposal: Proposal) -> list[str]:
    """The table's read options: missing markers, text date format, column types, what the bytes showed."""
    time_column = proposal.time
    assert time_column is not None
    files = sample.kind in ("csv", "excel")
    lines = []
    if files:
        markers = list(dict.fromkeys([*ReadOptions().null_values, *proposal.null_values]))
        seen = ", ".join(q(m) for m in proposal.null_values) or "none"
        lines.append(f"null_values = [{', '.join(q(m) for m in markers)}]  # texts that mean missing; seen: {seen}")
    if time_column.time_format:
        lines.append(f"time_format = {q(time_column.time_format)}  # how the text of {time_column.name} is written"
                     + (f"; {q(proposal.other_time_format)} reads it too, as other dates: check which is meant"
                        if proposal.other_time_format else ""))
    for key, value in sample.options.items():
        lines.append(f"{key} = {q(value)}  # found in the file")
    if proposal.decimal_comma:
        lines.append("decimal_comma = true  # numbers are written 3,14")
    if sample.kind == "excel":
        lines.append(f"sheet = {q(sample.table)}")
    typed = [c for c in proposal.columns if files or (c.time_format and c.time_format == time_column.time_format)]
    if typed:
        lines += ["", f"[sources.{sample.name}.tables.{sample.name}.dtypes]  # what each column is read as"]
        lines += [f"{q(c.name)} = {q(_declared(c, time_column))}" for c in typed]
    return lines


def _declared(column: Column, time_column: Column) -> str:
    """The type to declare: a text date in another format than the time column's stays text (one time_format)."""
    if column.dtype in (DATE, DATETIME) and column.time_format != time_column.time_format:
        return TEXT
    return column.dtype


def starter_keys(proposal: Proposal) -> list[str]:
    """The keys of the starter metrics: completeness, records, and a share per yes/no column."""
    return ["completeness", "records", *(_flag_key(c, proposal) for c in proposal.flags)]


def _flag_key(column: Column, proposal: Proposal) -> str:
    """`<column>_share`, from the column's Latin letters and digits, else its position ("column_4_share")."""
    base = _key_base(column, proposal)
    earlier = [c for c in proposal.flags[:proposal.flags.index(column)] if _key_base(c, proposal) == base]
    return f"{base}_share" if not earlier else f"{base}_{len(earlier) + 1}_share"


def _key_base(column: Column, proposal: Proposal) -> str:
    spelt = name_for(column.name)
    return spelt if any(ch.isascii() and ch.isalnum() for ch in column.name) else \
        f"column_{proposal.columns.index(column) + 1}"


def metrics_text(sample: Sample, proposal: Proposal, written: Written) -> str:
    """metrics_NAME.py: the table declared once as a dataset, then completeness, records and a share per yes/no
    column, each a constructor of `metrics` naming that dataset."""
    time_column = proposal.time
    assert time_column is not None
    label = Path(sample.location).stem if sample.kind != "sql" else sample.table
    fields = [c.name for c in proposal.columns if c is not time_column]
    drill = [d for d in proposal.dimensions if d not in {c.name for c in proposal.flags}][:DRILL_LEVELS]
    rows = dataset_name(sample)
    unique = [c.name for c in proposal.columns if c.name in proposal.identifiers and c.missing == 0
              and c.distinct == proposal.rows]
    n = len(fields)
    vocabulary = ["Dataset", "Direction", "Pillar", "Text", "count", "ratio", "register", *(
        ["share"] if proposal.flags else [])]
    parts = [
        f'"""Starter metrics for {label}, written by `python app.py init` on {date.today()}.', "",
        "Edit them freely (README, \"Add your own data\"): a metric names its dataset and its shape (share, ratio,",
        "total, average, median, percentile, count, change, formula: the constructors of `metrics`) around polars",
        f"expressions; `python app.py --config {written.config} check`",
        "checks every one against the table's columns. `target` is the value a metric should reach by its target date",
        "(it decides the status shown); the targets below are placeholders taken from the data as read: set yours.",
        '"""', "from __future__ import annotations", "", "import polars as pl", "",
        f"from metrics import {', '.join(vocabulary)}", "",
        "# The table, declared once: where its rows are, the column that dates them, how they are cut, what a record",
        "# shows. Dimensions are its text columns with few values; the drill path is the order a number opens in. How",
        "# its rows are read (missing-value markers, column types, the format of its dates) is in the config.",
        f"{rows} = Dataset(",
        f"    {q(sample.name)}, source={q(sample.name)}, table={q(sample.name)}, time_column={q(time_column.name)},",
        f"    dimensions={_tuple(list(proposal.dimensions), 16)},",
        f"    drill_path={_tuple(drill, 16)},",
        *([f"    primary_key={_tuple([unique[0]], 17)},  # a value of its own in every row read"] if unique else []),
        f"    detail_columns={_tuple(_detail(proposal), 20)})", "",
        *_given(sample, proposal),
        "# The fields whose completeness is measured: every column but the time column.",
        f"FIELDS = {_tuple(fields, 10)}",
        "FILLED = pl.sum_horizontal([given(c).cast(pl.Int64) for c in FIELDS])",
        'MISSING = pl.concat_str([pl.when(~given(c)).then(pl.lit(f"missing {c}")) for c in FIELDS],',
        '                        separator=", ", ignore_nulls=True)',
    ]
    if proposal.measures:
        example = q(proposal.measures[0])
        parts += ["# Numeric columns to build more metrics on (import the shape and Unit from metrics), e.g.",
                  f"# average(KEY, {rows}, {example}, Unit.COUNT, ...).",
                  f"MEASURES = {_tuple(list(proposal.measures), 12)}"]
    parts += ["", "", "def declare() -> None:"]
    parts += _metric("ratio", f"{q('completeness')}, {rows}, FILLED.sum(), pl.len() * len(FIELDS),",
                     COMPLETENESS_TARGET, "DATA_QUALITY", (f"Completeness of {label}", f"{label} 的完整率"),
                     (f"Share of the {n} fields of each row dated in the period that are filled in: 1 - missing "
                      f"fields / (rows x {n}).", f"期间内每条记录 {n} 个字段中已填写的比例：1 - 缺失字段数 /（记录数 x {n}）。"),
                     ["problems=MISSING, needs_fixing=FILLED < len(FIELDS)"],
                     "a placeholder: the share of fields you commit to fill")
    parts += _metric("count", f"{q('records')}, {rows},", round(proposal.rows_per_month), "PROCESS",
                     (f"Records of {label}", f"{label} 的记录数"),
                     (f"Rows dated in the period (by {time_column.name}); the trend counts them per month.",
                      f"期间内（按 {time_column.name}）的记录数；趋势按月计数。"),
                     [], "a placeholder: the median month of the data as read")
    for column in proposal.flags:
        parts += _flag_metric(column, proposal, rows)
    return "\n".join(parts) + "\n"


# Names the starter module gives to other things: its dataset is named otherwise.
_MODULE_NAMES = {"FIELDS", "FILLED", "MISSING", "MEASURES", "MARKERS"}


def dataset_name(sample: Sample) -> str:
    """The Python name of the starter module's dataset: the table's name in capitals (SCRAP for scrap.csv)."""
    name = sample.name.upper()
    return f"{name}_ROWS" if name in _MODULE_NAMES else name


def _given(sample: Sample, proposal: Proposal) -> list[str]:
    """The function that says whether a field holds a value. CSV and Excel sources read the table's null_values as
    missing; a Parquet or SQL source reads such texts as values, so the markers seen there are spelt out here."""
    if sample.kind in ("csv", "excel") or not proposal.null_values:
        return ["", "def given(column: str) -> pl.Expr:",
                '    """Whether a field holds a value: not empty, nor one of the table\'s null_values (vantage.toml)."""',
                "    return pl.col(column).is_not_null()", "", ""]
    markers = ", ".join(q(m) for m in proposal.null_values)
    return ["# Texts this table writes for a missing value; a Parquet or SQL source reads them as values.",
            f"MARKERS = [{markers}]", "", "",
            "def given(column: str) -> pl.Expr:",
            '    """Whether a field holds a value: not null, nor one of the MARKERS."""',
            "    return pl.col(column).is_not_null() & ~pl.col(column).cast(pl.String).is_in(MARKERS)", "", ""]


def _flag_metric(column: Column, proposal: Proposal, rows: str) -> list[str]:
    col, yes = f"pl.col({q(column.name)})", column.flag
    assert yes is not None
    is_yes = col if yes is True else f"{col} == {_literal(yes)}"
    shown = _shown(yes)
    return _metric("share", f"{q(_flag_key(column, proposal))}, {rows}, {is_yes},", round(column.share or 0.0, 2),
                   "PROCESS", (f"Share of {column.name} = {shown}", f"{column.name} 为 {shown} 的比例"),
                   (f"Share of the rows dated in the period with {column.name} = {shown}, among those where it is "
                    "given.", f"期间内填写了 {column.name} 的记录中，{column.name} 为 {shown} 的比例。"),
                   [f"row_filter=given({q(column.name)})"],
                   f"a placeholder: the share in the data as read; more {shown} is taken as better")


def _metric(shape: str, arguments: str, target: float, pillar: str, title: tuple[str, str],
            description: tuple[str, str], body: list[str], why: str) -> list[str]:
    """One `register(shape(key, dataset, ...))`: the shape's own arguments, the words, the target, the rest."""
    lines = [f"    register({shape}(",
             f"        {arguments}",
             f'        good=Direction.UP, pillar=Pillar.{pillar}, owner="data team",',
             f"        target={target!r},  # {why}",
             f"        title=Text({q(title[0])}, {q(title[1])}),",
             f"        description=Text({_wrapped(description[0], 25)},",
             f"                         {_wrapped(description[1], 25)}),",
             *(f"        {line}," for line in body)]
    return [*lines[:-1], lines[-1][:-1] + "))"]


def _detail(proposal: Proposal) -> list[str]:
    """The columns a record shows, in the table's order: identifiers, time, dimensions, measures, then the rest."""
    time_column = proposal.time
    assert time_column is not None
    ranked = [*proposal.identifiers, time_column.name, *proposal.dimensions, *proposal.measures,
              *(c.name for c in proposal.columns)]
    chosen = set(list(dict.fromkeys(ranked))[:DETAIL_COLUMNS])
    return [c.name for c in proposal.columns if c.name in chosen]


def _tuple(names: list[str], indent: int) -> str:
    """A tuple literal of names, wrapped to 120 characters with continuation lines `indent` spaces in."""
    if not names:
        return "()"
    lines, line = [], "("
    for n, name in enumerate(names):
        item = q(name) + ("," if n < len(names) - 1 or len(names) == 1 else "")
        if len(line) + len(item) + indent + 1 > 118 and line != "(":
            lines.append(line.rstrip())
            line = ""
        line += item + " "
    lines.append(line.rstrip() + ")")
    return ("\n" + " " * indent).join(lines)


def _wrapped(text: str, indent: int, width: int = 118) -> str:
    """A string literal split into adjacent literals on spaces, so that no line passes `width` characters."""
    room = max(width - indent - 4, 40)
    pieces, rest = [], text
    while len(q(rest)) > room:
        cut = rest.rfind(" ", 0, room - 8)
        cut = cut if cut > 0 else room - 8
        pieces.append(rest[:cut + 1])
        rest = rest[cut + 1:]
    pieces.append(rest)
    return ("\n" + " " * indent).join(q(p) for p in pieces)


def _literal(value: Flag) -> str:
    return q(value) if isinstance(value, str) else repr(value)


def _shown(value: Flag) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
