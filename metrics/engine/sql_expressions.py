"""Polars expressions as SQLAlchemy Core expressions, for the subset warehouse pushdown computes in the database
(pushdown.py): each compiled row expression carries its kind, so that booleans are summed as numbers, dates are
subtracted as durations and values of kinds that do not mix are refused. Aggregates of a metric's value become columns
of the SELECT; what is outside the subset raises NotPushable with the reason."""
from __future__ import annotations

import io
import json
import re
from typing import Any

import polars as pl
import sqlalchemy as sa

from metrics.semantics.model import Grain

_NUMERIC = ("int", "float")
_TRUNC = {Grain.DAY: "day", Grain.WEEK: "week", Grain.MONTH: "month", Grain.QUARTER: "quarter"}
_COMPARE = {"Eq": "__eq__", "NotEq": "__ne__", "Lt": "__lt__", "LtEq": "__le__", "Gt": "__gt__", "GtEq": "__ge__"}
_SECONDS = {"TotalDays": 86400, "TotalHours": 3600, "TotalMinutes": 60, "TotalSeconds": 1}
# A regular expression both polars and PostgreSQL read alike: literals, escaped punctuation, classes without negation,
# anchors, groups, alternation and counted repetition; `.` never matches a newline in either ((?p) in PostgreSQL).
_REGEX = re.compile(r"(?:[A-Za-z0-9 _\-@,:;'\"/=<>!#%&~]|\\[.^$|?*+()\[\]{}\\/-]|\[(?!\^)(?:[A-Za-z0-9_.@\- ]|"
                    r"\\[.\-\]\\])+\]|[.^$|?*+]|\((?!\?)|\)|\{[0-9]+(?:,[0-9]*)?\})*")


class NotPushable(Exception):
    """The metric cannot be computed in the database; `reason` says why (shown by `python app.py check`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Compiler:
    """Polars expressions (their JSON form) over the rows' columns, as SQLAlchemy expressions; each compiled row
    expression comes with its kind: bool, int, float, str, date, datetime, seconds (a duration) or null."""

    def __init__(self, rows: sa.Subquery, types: dict[str, pl.DataType], dialect: str) -> None:
        self.rows, self.schema, self.dialect = rows, types, dialect
        self.aggregates: list[tuple[str, sa.ColumnElement[Any]]] = []
        self.types: dict[str, pl.DataType] = {}
        self._seen: dict[str, str] = {}

    @property
    def pg(self) -> bool:
        return self.dialect == "postgresql"

    def outer(self, expr: pl.Expr | None) -> pl.Expr | None:
        """The expression with each aggregate replaced by a column of the SELECT."""
        if expr is None:
            return None
        out = _expr(self._replace(json.loads(expr.meta.serialize(format="json"))))
        if set(out.meta.root_names()) - set(self.types):
            raise NotPushable("it reads a column outside a sum, count, mean, minimum, maximum or distinct count")
        return out

    def _replace(self, node: Any) -> Any:
        if node == "Len":
            return {"Column": self._aggregate("Len", None, node)}
        if isinstance(node, dict) and "Agg" in node:
            (kind, body), = node["Agg"].items()
            return {"Column": self._aggregate(kind, body, node)}
        if isinstance(node, dict) and "Function" in node and "Quantile" in json.dumps(node["Function"]["function"]):
            raise NotPushable("quantile is not computed in the database")
        if isinstance(node, dict):
            return {k: self._replace(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._replace(v) for v in node]
        return node

    def _aggregate(self, kind: str, body: Any, node: Any) -> str:
        text = json.dumps(node, sort_keys=True)
        if text in self._seen:
            return self._seen[text]
        name = f"_a{len(self.aggregates)}"
        self.aggregates.append((name, self._sql_aggregate(kind, body)))
        self.types[name] = pl.LazyFrame(schema=self.schema).select(_expr(node).alias("x")).collect_schema()["x"]
        self._seen[text] = name
        return name

    def _sql_aggregate(self, kind: str, body: Any) -> sa.ColumnElement[Any]:
        if kind == "Len":
            return sa.func.count()
        if kind not in ("Sum", "Count", "Mean", "Min", "Max", "NUnique"):
            raise NotPushable(f"{kind.lower()} is not computed in the database")
        if kind in ("Count", "Min", "Max"):
            if body.get("include_nulls"):
                raise NotPushable("a count that includes nulls is not computed in the database")
            body = body["input"]
        where = None
        if isinstance(body, dict) and "Filter" in body:
            where, body = self.boolean(_expr(body["Filter"]["by"])), body["Filter"]["input"]
        if isinstance(body, dict) and "Function" in body and body["Function"]["function"] == "AsStruct":
            raise NotPushable("a distinct count of several columns is not computed in the database")
        x, k = self.row(body)

        def agg(call: sa.FunctionElement[Any]) -> sa.ColumnElement[Any]:
            return call.filter(where) if where is not None else call

        if kind == "NUnique":  # polars counts a null as one more distinct value
            has_null = agg(sa.func.max(sa.case((x.is_(None), 1), else_=0)))
            return agg(sa.func.count(sa.distinct(x))) + sa.func.coalesce(has_null, 0)
        if kind == "Count":
            return agg(sa.func.count(x))
        ordered = k in ("int", "bool") or (self.pg and k in ("date", "datetime"))  # NaN orders differently in SQL
        if (k not in (*_NUMERIC, "bool")) if kind in ("Sum", "Mean") else not ordered:
            raise NotPushable(f"{kind.lower()} of {k} values is not computed in the database")
        x = self._number(x, k)
        if kind == "Sum":  # the sum of no rows is 0 in polars
            return sa.func.coalesce(agg(sa.func.sum(x)), 0)
        if kind == "Mean":
            return agg(sa.func.avg(sa.cast(x, sa.Float)))
        return agg(sa.func.min(x) if kind == "Min" else sa.func.max(x))

    def boolean(self, expr: pl.Expr) -> sa.ColumnElement[Any]:
        x, k = self.row(json.loads(expr.meta.serialize(format="json")))
        if k != "bool":
            raise NotPushable(f"a row filter of {k} values")
        return x

    def bucket(self, column: str, grain: Grain) -> sa.ColumnElement[Any]:
        col = self.rows.c[column]
        if self.pg:
            return sa.cast(sa.func.date_trunc(_TRUNC[grain], sa.cast(col, sa.DateTime)), sa.Date)
        if grain is Grain.DAY:
            return sa.func.date(col)
        if grain is Grain.WEEK:
            return sa.func.date(col, "-6 days", "weekday 1")
        if grain is Grain.MONTH:
            return sa.func.strftime("%Y-%m-01", col)
        month = (sa.cast(sa.func.strftime("%m", col), sa.Integer) - 1) // 3 * 3 + 1
        return sa.func.strftime("%Y-", col) + sa.func.printf("%02d-01", month)

    @staticmethod
    def _number(x: sa.ColumnElement[Any], kind: str) -> sa.ColumnElement[Any]:
        return sa.cast(x, sa.Integer) if kind == "bool" else x

    def row(self, node: Any) -> tuple[sa.ColumnElement[Any], str]:
        """A row expression: its SQL and its kind."""
        if not isinstance(node, dict) or len(node) != 1:
            raise NotPushable(f"{str(node)[:40]} is not computed in the database")
        (tag, body), = node.items()
        if tag == "Column":
            return self.rows.c[body], _kind(self.schema[body], body)
        if tag == "Literal":
            return self._literal(node)
        if tag == "Alias":
            return self.row(body[0])
        if tag == "BinaryExpr":
            return self._binary(body["op"], self.row(body["left"]), self.row(body["right"]), body["right"])
        if tag == "Ternary":
            (p, pk), (a, ak), (b, bk) = (self.row(body[n]) for n in ("predicate", "truthy", "falsy"))
            kind = _known(_common(ak, bk) if pk == "bool" else "?", "when/then/otherwise")
            a, b = (self._number(a, ak), self._number(b, bk)) if kind in _NUMERIC else (a, b)
            return sa.case((p, a), else_=b), kind
        if tag == "Cast":
            return self._cast(self.row(body["expr"]), json.dumps(body["dtype"]))
        if tag == "Function":
            return self._function(body["function"], [self.row(i) for i in body["input"]], body["input"])
        raise NotPushable(f"{tag.lower()} is not computed in the database")

    def _literal(self, node: Any) -> tuple[sa.ColumnElement[Any], str]:
        series = pl.select(_expr(node)).to_series()
        value, kind = series.item(), ("list" if isinstance(series.dtype, pl.List) else _kind(series.dtype, "a value"))
        if kind == "null":
            return sa.null(), kind
        if kind == "bool":
            return (sa.true() if value else sa.false()), kind
        if kind in ("date", "datetime") and not self.pg:
            raise NotPushable("a date value in SQLite")
        sql_type = {"int": sa.BigInteger, "float": sa.Float, "str": sa.String, "date": sa.Date, "datetime": sa.DateTime,
                    "list": sa.String}[kind]
        return sa.literal(value, sql_type()), kind

    def _binary(self, op: str, left: tuple[sa.ColumnElement[Any], str], right: tuple[sa.ColumnElement[Any], str],
                right_node: Any) -> tuple[sa.ColumnElement[Any], str]:
        (a, ak), (b, bk) = left, right
        if op in ("And", "Or") and ak == bk == "bool":
            return (sa.and_(a, b) if op == "And" else sa.or_(a, b)), "bool"
        if op in _COMPARE or op in ("EqValidity", "NotEqValidity"):
            if _common(ak, bk) == "?" or (not self.pg and ak != bk and "null" not in (ak, bk)):
                raise NotPushable(f"comparing {ak} with {bk} values")
            a, b = (self._number(a, ak), self._number(b, bk)) if ak != bk else (a, b)
            if op == "EqValidity":
                return a.is_not_distinct_from(b), "bool"
            if op == "NotEqValidity":
                return a.is_distinct_from(b), "bool"
            return getattr(a, _COMPARE[op])(b), "bool"
        if op == "Minus" and ak in ("date", "datetime") and bk in ("date", "datetime"):
            if not self.pg:
                raise NotPushable("date arithmetic in SQLite")
            if ak == bk == "date":
                return sa.cast(a - b, sa.Numeric) * 86400, "seconds"
            return sa.extract("epoch", sa.cast(a, sa.DateTime) - sa.cast(b, sa.DateTime)), "seconds"
        if op in ("Plus", "Minus", "Multiply") and ak in (*_NUMERIC, "bool") and bk in (*_NUMERIC, "bool"):
            a, b = self._number(a, ak), self._number(b, bk)
            kind = "float" if "float" in (ak, bk) else "int"
            return (a + b if op == "Plus" else a - b if op == "Minus" else a * b), kind
        if op == "TrueDivide" and ak in (*_NUMERIC, "bool") and bk in _NUMERIC and "Literal" in right_node:
            divisor = pl.select(_expr(right_node)).item()
            if divisor:
                return sa.cast(self._number(a, ak), sa.Float) / float(divisor), "float"
        raise NotPushable(f"{op} of {ak} and {bk} values is not computed in the database")

    def _cast(self, x: tuple[sa.ColumnElement[Any], str], dtype: str) -> tuple[sa.ColumnElement[Any], str]:
        value, kind = x
        if "Float" in dtype and kind in (*_NUMERIC, "bool"):
            return sa.cast(self._number(value, kind), sa.Float), "float"
        if re.search(r"U?Int(8|16|32|64)", dtype) and kind in ("int", "bool"):
            return self._number(value, kind), "int"
        if re.search(r"U?Int(8|16|32|64)", dtype) and kind == "float":  # polars truncates toward zero
            return sa.cast(sa.func.trunc(value), sa.BigInteger), "int"
        raise NotPushable(f"a cast of {kind} values to {dtype.strip(chr(34))}")

    def _function(self, function: Any, args: list[tuple[sa.ColumnElement[Any], str]],
                  nodes: list[Any]) -> tuple[sa.ColumnElement[Any], str]:
        name = function if isinstance(function, str) else json.dumps(function)
        kinds = [k for _, k in args]
        x, k = args[0] if args else (sa.null(), "null")
        if name in ('{"Boolean": "Not"}',) and k == "bool":
            return sa.not_(x), "bool"
        if name == '{"Boolean": "IsNull"}':
            return x.is_(None), "bool"
        if name == '{"Boolean": "IsNotNull"}':
            return x.is_not(None), "bool"
        if name in ('{"Boolean": "AnyHorizontal"}', '{"Boolean": "AllHorizontal"}') and set(kinds) == {"bool"}:
            values = [v for v, _ in args]
            return (sa.or_(*values) if "Any" in name else sa.and_(*values)), "bool"
        if name.startswith('{"Boolean": {"IsIn"') and kinds[1] == "list":
            values = pl.select(_expr(nodes[1])).item().to_list()
            if None in values or {_kind(pl.Series(values).dtype, "a list")} - {k}:
                raise NotPushable("is_in with a list of other values or a null")
            return x.in_(values), "bool"
        if name in ("FillNull", "Coalesce") and _common(*kinds) != "?":
            return sa.func.coalesce(*[self._number(v, vk) if _common(*kinds) in _NUMERIC else v
                                      for v, vk in args]), _common(*kinds)
        if name == '{"SumHorizontal": {"ignore_nulls": true}}' and set(kinds) <= {*_NUMERIC, "bool"}:
            total = sum((sa.func.coalesce(self._number(v, vk), 0) for v, vk in args[1:]),
                        sa.func.coalesce(self._number(x, k), 0))
            return total, "float" if "float" in kinds else "int"
        if name.startswith('{"Clip"') and set(kinds) <= {*_NUMERIC, "null"}:
            clip = json.loads(name)["Clip"]
            bounds = args[1:]
            low = bounds.pop(0)[0] if clip["has_min"] else None
            high = bounds.pop(0)[0] if clip["has_max"] else None
            if low is not None:
                x = sa.case((x < low, low), else_=x)
            if high is not None:
                x = sa.case((x > high, high), else_=x)
            return x, _common(*kinds)
        if name.startswith('{"TemporalExpr"') and k == "seconds":
            (unit, options), = json.loads(name)["TemporalExpr"].items()
            if unit in _SECONDS:
                amount = x / _SECONDS[unit]
                return (sa.cast(amount, sa.Float), "float") if options.get("fractional") else (
                    sa.cast(sa.func.trunc(amount), sa.BigInteger), "int")
        if name.startswith('{"StringExpr"') and k == "str" and kinds[1:] == ["str"] and "Literal" in nodes[1]:
            return self._string(json.loads(name)["StringExpr"], x, pl.select(_expr(nodes[1])).item())
        raise NotPushable(f"{_short(name)} is not computed in the database")

    def _string(self, op: Any, x: sa.ColumnElement[Any], text: str) -> tuple[sa.ColumnElement[Any], str]:
        n = len(text)
        if op == "StartsWith":
            return sa.func.substr(x, 1, n) == text, "bool"
        if op == "EndsWith":
            return (sa.func.right(x, n) if self.pg else sa.func.substr(x, -n)) == text, "bool"
        if isinstance(op, dict) and "Contains" in op and op["Contains"]["literal"]:
            return (sa.func.strpos(x, text) if self.pg else sa.func.instr(x, text)) > 0, "bool"
        if isinstance(op, dict) and "Contains" in op:
            if not self.pg:
                raise NotPushable("a regular expression in SQLite")
            flags, body = ("pi", text[4:]) if text.startswith("(?i)") else ("p", text)
            if _REGEX.fullmatch(body) is None:
                raise NotPushable(f"regular expression {text!r} may read differently in the database")
            return x.op("~")(f"(?{flags}){body}"), "bool"
        raise NotPushable(f"{_short(json.dumps(op))} is not computed in the database")


def _kind(dtype: pl.DataType, what: str) -> str:
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if dtype == pl.String:
        return "str"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime) and not dtype.time_zone:
        return "datetime"
    if dtype == pl.Null:
        return "null"
    raise NotPushable(f"{what} of type {dtype} is not computed in the database")


def _common(*kinds: str) -> str:
    """The kind several values share (numbers and booleans mix as numbers); '?' when they do not mix."""
    found = set(kinds) - {"null"}
    if len(found) <= 1:
        return found.pop() if found else "null"
    if found <= {*_NUMERIC, "bool"}:
        return "float" if "float" in found else "int"
    return "date" if found == {"date", "datetime"} else "?"


def _known(kind: str, what: str) -> str:
    if kind == "?":
        raise NotPushable(f"{what} mixes values of different types")
    return kind


def _short(name: str) -> str:
    """A function's name from its JSON form ({"StringExpr": "Lowercase"} is lowercase)."""
    node: Any = json.loads(name) if name.startswith("{") else name
    while isinstance(node, dict):
        (key, inner), = list(node.items())[:1]
        node = inner if key in ("StringExpr", "Boolean", "TemporalExpr", "ListExpr", "StructExpr") else key
    return str(node).lower()


def _expr(node: Any) -> pl.Expr:
    return pl.Expr.deserialize(io.StringIO(json.dumps(node)), format="json")
