"""SQL sources through SQLAlchemy: any URL; SQLite read through ADBC for speed. Parameters are always bound."""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator, Sequence

import polars as pl
import sqlalchemy as sa

from config.settings import SourceSpec, TableSpec
from connectors.base import DataVersion, FileStamp, Schema, Where, check_columns
from connectors.reading import SORTABLE_FORMAT, conversions, fingerprint, time_columns
from connectors.sqlite_file import SqliteFile, brief_lock_wait
from core.errors import SourceError, SourceUnavailable

PARALLEL_ROWS = 200_000  # below this a single read is as fast
BATCH_ROWS = 500_000  # rows per part of a local copy: bounds the memory a load of a large table takes


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)

_TYPES: tuple[tuple[type, pl.DataType], ...] = (
    (sa.Boolean, pl.Boolean()),
    (sa.DateTime, pl.Datetime("us")),
    (sa.Date, pl.Date()),
    (sa.Integer, pl.Int64()),
    (sa.Float, pl.Float64()),
    (sa.Numeric, pl.Float64()),  # Float is a Numeric; money arrives as Decimal otherwise
    (sa.String, pl.String()),
)


def polars_type(sql_type: sa.types.TypeEngine[Any]) -> pl.DataType:
    """The polars type a reflected SQL column is read as."""
    for sql_class, dtype in _TYPES:
        if isinstance(sql_type, sql_class):
            return dtype
    return pl.String()


class SqlConnector:
    """Reads tables or declared queries of one database, pushing column lists and filters into SQL."""

    def __init__(self, spec: SourceSpec, url: str, checked: Path | None = None) -> None:
        self.name, self.spec = spec.name, spec
        sa_url = sa.make_url(url)
        if spec.password_env:
            if spec.password_env not in os.environ:
                raise SourceError(f"environment variable {spec.password_env} is not set", f"source {spec.name}",
                                  f"export {spec.password_env} with the database password")
            sa_url = sa_url.set(password=os.environ[spec.password_env])
        self.url = sa_url
        self.engine = sa.create_engine(sa_url, pool_pre_ping=True)
        self._tables: dict[str, sa.FromClause] = {}
        self._schemas: dict[str, Schema] = {}
        # A SQLite file is followed: replaced by another, its pooled connections go and the new file is checked.
        self._file = (SqliteFile(self.url.database, checked, self._drop_connections)
                      if self.is_sqlite and self.url.database else None)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def _where(self, table: str) -> str:
        return f"source {self.name}, table {table}"

    def _check_reachable(self, table: str) -> None:
        """SQLite would create a missing file on connect; a missing database is an outage, not an empty one."""
        if self.is_sqlite and self.url.database and not os.path.exists(self.url.database):
            raise SourceUnavailable(f"database file {self.url.database} does not exist", self._where(table),
                                    "restore the file or correct the url in the config")

    def _from(self, table: str, conn: sa.Connection | None = None) -> sa.FromClause:
        # `conn`: read the table's definition through it (a version check's, which waits on a lock only briefly).
        self._check_reachable(table)
        found = self._tables.get(table)  # read once: a replaced file empties the dict under other threads
        if found is None:
            tspec: TableSpec = self.spec.table(table)
            try:
                if tspec.query:
                    with self.engine.connect() as own:
                        names = list((own if conn is None else conn).execute(
                            sa.text(f"SELECT * FROM ({tspec.query}) AS q LIMIT 0")).keys())
                    found = sa.text(tspec.query).columns(*[sa.column(n) for n in names]).subquery("q")
                else:
                    found = sa.Table(table, sa.MetaData(), autoload_with=self.engine if conn is None else conn)
            except sa.exc.NoSuchTableError:
                raise SourceError(f"table '{table}' does not exist", self._where(table),
                                  "create it, or declare a query for it under [sources.NAME.tables.TABLE]") from None
            except sa.exc.SQLAlchemyError as exc:
                raise SourceUnavailable(f"cannot read the source: {_short(exc)}", self._where(table),
                                        "check that the database is up and the URL in the config is right") from None
            self._tables[table] = found
        return found

    def schema(self, table: str) -> Schema:
        return conversions(self._raw_schema(table), self.spec.table(table))[1]

    def _raw_schema(self, table: str) -> Schema:
        """The types the columns are read as, before text dates are parsed and declared types cast."""
        found = self._schemas.get(table)
        if found is None:
            src, tspec = self._from(table), self.spec.table(table)
            if tspec.query:
                found = dict(self._read(sa.select(src).limit(200), table).schema)
            else:
                found = {c.name: polars_type(c.type) for c in src.columns}
            if self.is_sqlite and tspec.read.time_format:
                # SQLite keeps a DATE column's values as the text they were written in: read it as that text.
                found.update({c: pl.String() for c in time_columns(tspec) if c in found})
            self._schemas[table] = found
        return found

    def read_types(self, table: str) -> Schema:
        """The types the columns have in the database (as read), before any declared conversion."""
        return dict(self._raw_schema(table))

    def aggregate(self, stmt: sa.Select, table: str) -> pl.DataFrame:
        """The small result of a SELECT computed in the database (a metric pushed down), as read."""
        return self._read(stmt, table)

    def _text_times(self, table: str) -> dict[str, pl.DataType]:
        """The time columns read as text and parsed here: a time filter on them runs after parsing, not in SQL."""
        raw = self._raw_schema(table)
        return {c: t for c, t in time_columns(self.spec.table(table)).items() if raw.get(c) == pl.String}

    def data_version(self, table: str) -> DataVersion:
        stamp = self._follow_file(table)
        fresh = self.spec.table(table).freshness_column
        try:
            with self.engine.connect() as conn, brief_lock_wait(conn, self.is_sqlite):
                src = self._from(table, conn)  # a table not read yet here: its definition, as briefly
                # Two statements: together, SQLite would scan the table for the max instead of reading the index.
                rows = int(conn.execute(sa.select(sa.func.count()).select_from(src)).scalar_one())
                newest = self._newest(conn, table, fresh) if fresh else None
        except sa.exc.SQLAlchemyError as exc:
            raise SourceUnavailable(f"cannot read the source: {_short(exc)}", self._where(table),
                                    "check that the database is up and the URL in the config is right") from None
        options = fingerprint(self.spec.table(table))
        stamp_text = (f"|{stamp}" if stamp else "") + (f"|read:{options}" if options else "")
        # Without a freshness column the contents can change unseen: let the version roll over with the TTL.
        epoch = "" if fresh else f"|ttl{int(time.time() // max(self.spec.cache_ttl_seconds, 1))}"
        # A SQLite file's stamp too: a file copied over the old one can hold other rows of the same count and time.
        return DataVersion(token=f"{rows}|{newest}{epoch}{stamp_text}", rows=rows, newest=newest,
                           identity=stamp.identity if stamp else "")

    def _newest(self, conn: sa.Connection, table: str, fresh: str) -> datetime | date | None:
        """The freshness column's maximum. Text in a declared time_format is compared as times: the database's
        maximum of the text when the format sorts as its times do (year first), else the parsed column's."""
        src, fmt = self._from(table), self.spec.table(table).read.time_format
        if fresh not in self._text_times(table) or not fmt:
            return _parse_time(conn.execute(sa.select(sa.func.max(src.c[fresh]))).scalar())
        if SORTABLE_FORMAT.fullmatch(fmt):
            texts = pl.Series([conn.execute(sa.select(sa.func.max(src.c[fresh]))).scalar()], dtype=pl.String)
        else:
            texts = self._read(sa.select(src.c[fresh]), table)[fresh].cast(pl.String)
        exprs, _ = conversions({fresh: pl.String()}, self.spec.table(table))
        try:
            return pl.DataFrame({fresh: texts}).select(exprs[0].max()).item() if exprs else None
        except pl.exceptions.PolarsError as exc:
            raise SourceError(f"freshness column '{fresh}' does not read as time_format \"{fmt}\": {_short(exc)}",
                              self._where(table), "declare the time_format its text is written in") from None

    def _follow_file(self, table: str) -> FileStamp | None:
        """The SQLite file's stamp, checked (None for a server database); SourceError when it is missing or damaged."""
        self._check_reachable(table)
        return self._file.stamp(self._where(table)) if self._file else None

    def _drop_connections(self) -> None:
        """Another file sits at the path: a pooled connection keeps reading the one it opened, so close them all."""
        self.engine.dispose()
        self._tables.clear()
        self._schemas.clear()

    def forget(self) -> None:
        """Forget the file last seen and checked, here and for every process: the next question checks it again."""
        self._drop_connections()
        if self._file:
            self._file.forget()

    def scan(self, table: str, columns: Sequence[str], where: Where) -> pl.LazyFrame:
        # A time filter on a text time column runs after parsing: it needs the column, and the text's order.
        later = bool(where.time_column) and where.time_column in self._text_times(table)
        read = [*columns, *([where.time_column] if where.time_column and later and where.time_column not in columns
                            else [])]
        stmt = self.statement(table, read, where)
        parts = self._partitions(table, where)
        if len(parts) > 1:
            # Reading rows out of SQLite is the slow part of a load: read rowid ranges side by side.
            rowid = sa.literal_column("rowid", sa.Integer)
            stmts = [stmt.where(rowid > lo, rowid <= hi) for lo, hi in parts]
            with ThreadPoolExecutor(len(stmts)) as pool:
                frames = list(pool.map(lambda st: self._typed(self._read(st, table), table), stmts))
            frame = pl.concat(frames)
        else:
            frame = self._typed(self._read(stmt, table), table)
        if later:
            time_only = Where(where.time_column, where.start, where.end, where.newer_than)
            frame = frame.filter(time_only.to_polars(self.schema(table))).select(list(columns))
        return frame.lazy()

    def _typed(self, frame: pl.DataFrame, table: str) -> pl.DataFrame:
        """A frame as read, in the table's types: SQL's conformed, then text dates parsed and declared types cast."""
        raw = self._raw_schema(table)
        frame = _conform(frame, {c: raw[c] for c in frame.columns}, self._where(table))
        exprs, _ = conversions(frame.schema, self.spec.table(table))
        if not exprs:
            return frame
        try:
            return frame.with_columns(exprs)
        except pl.exceptions.PolarsError as exc:
            fmt = self.spec.table(table).read.time_format
            raise SourceError(f"a column does not read as its declared type: {_short(exc)}", self._where(table),
                              f"correct the value, or the table's dtypes or time_format (now \"{fmt or 'ISO'}\") "
                              "under [sources.NAME.tables.TABLE]") from None

    def scan_batches(self, table: str, columns: Sequence[str]) -> Iterator[pl.DataFrame]:
        """The whole table in rowid-range batches, read a few at a time side by side, so a copy of a large table
        is written part by part and never held in memory whole."""
        ranges = self._ranges(table, BATCH_ROWS)
        if not ranges:
            yield self.scan(table, columns, Where()).collect()
            return
        stmt, rowid = self.statement(table, columns, Where()), sa.literal_column("rowid", sa.Integer)
        read = lambda r: self._typed(self._read(stmt.where(rowid > r[0], rowid <= r[1]), table), table)  # noqa: E731
        workers = _workers()
        with ThreadPoolExecutor(workers) as pool:
            for wave in range(0, len(ranges), workers):
                yield from pool.map(read, ranges[wave:wave + workers])

    def _ranges(self, table: str, size: int) -> list[tuple[int, int]]:
        """Rowid ranges of about `size` rows covering a real SQLite table; none for other sources."""
        if not self.is_sqlite or self.spec.table(table).query:
            return []
        with self.engine.connect() as conn:
            top = conn.execute(sa.text(f'SELECT max(rowid) FROM "{table}"')).scalar()
        if not top:
            return []
        return [(lo, min(lo + size, top)) for lo in range(0, top, size)]

    def _partitions(self, table: str, where: Where) -> list[tuple[int, int]]:
        """Rowid ranges for reading a whole large SQLite table in parallel; one range otherwise."""
        workers = _workers()
        if workers < 2 or not self.is_sqlite or self.spec.table(table).query or where.columns():
            return []
        with self.engine.connect() as conn:
            top = conn.execute(sa.text(f'SELECT max(rowid) FROM "{table}"')).scalar()
        if not top or top < PARALLEL_ROWS:
            return []
        return [(top * i // workers, top * (i + 1) // workers) for i in range(workers)]

    def statement(self, table: str, columns: Sequence[str], where: Where) -> sa.Select:
        """The SELECT for a scan: only these columns, the filter in WHERE with bound parameters."""
        src, schema = self._from(table), self._raw_schema(table)
        check_columns(schema, columns, where, self._where(table))
        stmt = sa.select(*[src.c[c] for c in columns])
        if where.time_column and where.time_column not in self._text_times(table):
            col, dtype = src.c[where.time_column], schema[where.time_column]
            if where.start is not None:
                stmt = stmt.where(col >= self._bound(where.start, dtype))
            if where.end is not None:
                stmt = stmt.where(col < self._bound(where.end, dtype))
            if where.newer_than is not None:
                stmt = stmt.where(col > self._bound(where.newer_than, dtype))
        for column, values in where.equals:
            stmt = stmt.where(src.c[column].in_(list(values)))
        return stmt

    def _bound(self, value: date | datetime, dtype: pl.DataType) -> date | datetime | str:
        """A bound parameter typed like the column (SQLite stores dates as ISO text)."""
        if dtype == pl.Date and isinstance(value, datetime):
            value = value.date()
        if isinstance(dtype, pl.Datetime) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if self.is_sqlite:
            return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
        return value

    def _read(self, stmt: sa.Select, table: str) -> pl.DataFrame:
        try:
            if self.is_sqlite and self.url.database:
                return self._read_sqlite_adbc(stmt, self.url.database)
            with self.engine.connect() as conn:
                # Types from every row, not the first hundred: a column whose first values are all null is common.
                return pl.read_database(stmt, conn, infer_schema_length=None)
        except SourceError:
            raise
        except Exception as exc:  # drivers raise their own types; all mean the same to a viewer
            raise SourceError(f"query failed: {_short(exc)}", self._where(table),
                              "check that the database is up and the table and columns exist") from None

    def _read_sqlite_adbc(self, stmt: sa.Select, path: str) -> pl.DataFrame:
        import adbc_driver_sqlite.dbapi as adbc

        compiled = stmt.compile(dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True})
        params = [compiled.params[name] for name in (compiled.positiontup or [])]
        if not os.path.exists(path):
            raise FileNotFoundError(f"no database file at {path}")
        with adbc.connect(path) as conn:
            return pl.read_database(compiled.string, conn, execute_options={"parameters": params} if params else None)


def _conform(frame: pl.DataFrame, schema: Schema, where: str) -> pl.DataFrame:
    """Cast columns to their declared types (SQLite hands back ISO text for dates, and nulls as integers)."""
    casts = []
    for name, dtype in schema.items():
        current = frame.schema[name]
        if current == dtype:
            continue
        col = pl.col(name)
        if current == pl.String and dtype == pl.Date:
            casts.append(col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias(name))
        elif current == pl.String and isinstance(dtype, pl.Datetime):
            # The ISO layout SQLite writes parses fastest with its format given; anything else falls back.
            parsed = frame[name].str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
            if parsed.null_count() > frame[name].null_count():
                parsed = frame[name].str.to_datetime(time_unit="us", strict=False)
            casts.append(pl.lit(parsed).alias(name))
        elif isinstance(current, pl.Datetime) and dtype == pl.Date:
            casts.append(col.dt.date().alias(name))
        else:
            casts.append(col.cast(dtype, strict=False).alias(name))
    if not casts:
        return frame
    try:
        return frame.with_columns(casts)
    except pl.exceptions.PolarsError as exc:
        raise SourceError(f"a column has the wrong type: {_short(exc)}", where,
                          "make the column's values match its declared SQL type") from None


def _parse_time(value: object) -> datetime | date | None:
    if value is None or isinstance(value, (datetime, date)):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
