"""The shared state in PostgreSQL: with `state_url` set, every store of a data folder keeps its tables in that one
database instead of SQLite files in the folder, so several machines share users, sessions, tokens and the audit trail.

`bind(folder, url)` says which folders' stores live there (none by default: SQLite files, as always). The schema is
created and migrated by the Alembic revisions in core/migrations/ (`python app.py state migrate`); `check(url)`
refuses a database whose revision is not the code's. A store's connection speaks the sqlite3 dialect its code was
written in (`?` and `:name` parameters, `execute(...).fetchone()`, `rowcount`), and a write transaction takes a
transaction-level advisory lock named after the store, as BEGIN IMMEDIATE serialises a SQLite file's writers.
"""
from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from core.errors import VantageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SCHEMES = ("postgresql+psycopg://", "postgresql://")
_bound: dict[Path, str] = {}  # data folder (resolved) -> state_url
_engines: dict[str, tuple[int, Engine]] = {}  # state_url -> (process id, engine): a pool never crosses a fork


class StateError(VantageError):
    """A statement on the shared state failed (the database's own words follow)."""


class StateConflict(StateError):
    """A row with the same key is there already (a unique constraint)."""


class StateUnavailable(StateError):
    """The database cannot be reached now (down, restarting, the connection lost): the server answers HTTP 503 until
    it is back, and the pool's next connection is a new one (each is tested before it is handed out)."""

    reason = ""  # the driver's own first line (connection refused, the server shutting down, ...)


def bind(folder: Path, url: str) -> None:
    """Keep the stores of a data folder in the database at `url` (empty: in SQLite files in the folder again)."""
    key = Path(folder).expanduser().resolve()
    if not url:
        _bound.pop(key, None)
        return
    _bound[key] = _checked(url)


def _checked(url: str) -> str:
    if not url.startswith(SCHEMES):
        raise VantageError(f"state_url must be a PostgreSQL address, got one starting {url.split(':')[0]!r}",
                           "state_url", "write postgresql+psycopg://USER:PASSWORD@HOST/DATABASE, or leave it empty")
    return url


def attach(folder: Path, url: str) -> None:
    """`bind`, and with a state_url, VantageError unless its database is reachable and at the code's revision."""
    bind(folder, url)
    if url:
        check(url)


def url_of(path: Path) -> str | None:
    """The state_url a store file's folder is bound to; None: the SQLite file itself."""
    return _bound.get(Path(path).expanduser().parent.resolve()) if _bound else None


def shown(url: str) -> str:
    """The address without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@/]*@", r"://\1:***@", url)


def engine(url: str) -> Engine:
    """This process's pooled engine for a state_url."""
    from sqlalchemy import create_engine

    found = _engines.get(url)
    if found is not None and found[0] == os.getpid():
        return found[1]
    if found is not None:
        found[1].dispose(close=False)  # the parent's connections stay the parent's
    made = create_engine(url if url.startswith(SCHEMES[0]) else url.replace("postgresql://", SCHEMES[0], 1),
                         pool_pre_ping=True, pool_size=4, max_overflow=16)
    _engines[url] = (os.getpid(), made)
    return made


@lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    """A statement in sqlite3's parameter styles (`?`, `:name`) in psycopg's (`%s`, `%(name)s`)."""
    sql = sql.replace("%", "%%").replace("?", "%s")
    return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", sql)


def _raised(exc: Exception) -> StateError:
    import psycopg

    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return _unreachable(exc)
    kind = StateConflict if isinstance(exc, psycopg.IntegrityError) else StateError
    return kind(f"the shared state refused a statement: {_first_line(exc)}")


def _unreachable(exc: BaseException) -> StateUnavailable:
    reason = _first_line(exc)
    found = StateUnavailable(f"the shared state cannot be reached: {reason}", "state_url",
                             "check that PostgreSQL is running and reachable; requests work again once it is")
    found.reason = reason
    return found


class Connection:
    """One pooled connection to the shared state with sqlite3's manners. In autocommit mode a transaction is always
    explicit (`immediate`); otherwise `with con:` commits (or rolls back) and gives the connection back."""

    def __init__(self, url: str, lock: str, autocommit: bool = True) -> None:
        import psycopg
        import sqlalchemy

        self.lock = zlib.crc32(lock.encode())  # the advisory lock of this store's writers
        try:
            fairy: Any = engine(url).raw_connection()
        except (psycopg.OperationalError, psycopg.InterfaceError, sqlalchemy.exc.DBAPIError) as exc:
            raise _unreachable(exc) from None  # no connection to be had: down, restarting, refusing
        raw: Any = fairy.dbapi_connection
        raw.autocommit = autocommit
        self._fairy, self._raw = fairy, raw

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        import psycopg

        if self._fairy is None and sql == "ROLLBACK":
            return None  # the connection broke and was dropped: its transaction ended with it, and that error stands
        try:
            cursor = self._raw.cursor()
            cursor.execute(_pg(sql), params if isinstance(params, dict) else tuple(params))
        except psycopg.Error as exc:
            raise self._failed(exc) from exc
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        import psycopg

        try:
            cursor = self._raw.cursor()
            cursor.executemany(_pg(sql), [tuple(r) for r in rows])
        except psycopg.Error as exc:
            raise self._failed(exc) from exc
        return cursor

    def _failed(self, exc: Exception) -> StateError:
        """The error to raise for a failed statement; a connection that broke is dropped from the pool at once."""
        if self._raw.broken or self._raw.closed:
            self._drop()
        return _raised(exc)

    def _drop(self) -> None:
        if self._fairy is not None:
            self._fairy.invalidate()  # closed and given back: the pool opens a new one in its place when needed
            self._fairy = None

    def begin(self) -> None:
        """A write transaction holding the store's advisory lock until it ends: one writer at a time, as in SQLite."""
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(?)", (self.lock,))

    def close(self) -> None:
        if self._fairy is not None and (self._raw.broken or self._raw.closed):
            self._drop()
        elif self._fairy is not None:
            self._fairy.close()  # back to the pool (rolled back there if a transaction was left open)
            self._fairy = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        import psycopg

        try:
            if self._fairy is not None and not self._raw.autocommit:
                self._raw.rollback() if kind else self._raw.commit()
        except psycopg.Error as exc:
            if kind is None:  # a failure already on its way is the one to report
                raise self._failed(exc) from exc
        finally:
            self.close()


def _alembic(url: str) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    return cfg


def head() -> str:
    """The revision the code expects."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_alembic("")).get_current_head())


def current(url: str) -> str | None:
    """The revision the database is at; None when it has none (empty)."""
    from alembic.runtime.migration import MigrationContext

    with engine(url).connect() as con:
        return MigrationContext.configure(con).get_current_revision()


def migrate(url: str) -> str:
    """Create or migrate the shared state's schema to the code's revision; returns it. VantageError when it cannot."""
    import sqlalchemy
    from alembic import command

    _checked(url)
    try:
        with engine(url).begin() as con:
            cfg = _alembic(url)
            cfg.attributes["connection"] = con
            command.upgrade(cfg, "head")
    except sqlalchemy.exc.SQLAlchemyError as exc:
        raise VantageError(f"cannot migrate the shared state at state_url {shown(url)}: {_first_line(exc)}",
                           "state migrate", "check the address, the password, that PostgreSQL is running and that "
                           "the user may create tables") from None
    return head()


def check(url: str) -> None:
    """VantageError unless the database is reachable and at the code's revision."""
    import sqlalchemy

    try:
        found = current(url)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        raise VantageError(f"cannot reach the shared state at state_url {shown(url)}: {_first_line(exc)}", "state_url",
                           "check the address, the password and that PostgreSQL is running") from None
    wanted = head()
    if found != wanted:
        raise VantageError(f"the shared state at state_url {shown(url)} is at revision {found or 'none (empty)'}, "
                           f"the code needs {wanted}", "state_url", "run `python app.py state migrate`")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
