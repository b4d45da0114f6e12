"""Department scoping is applied in the engine's queries, whatever the caller asks for."""
from __future__ import annotations

from datetime import date

import pytest

import app
from core.errors import AccessDenied
from metrics.engine.periods import Filters
from metrics.engine.scope import Scope, ScopedEngine

OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))


def test_department_scope_sees_only_its_department(runtime: app.Runtime) -> None:
    engine = runtime.engine
    finance = ScopedEngine(engine, Scope(department="finance", label="lead of finance"))
    direct = engine.headline("data_accuracy", Filters(OCTOBER.start, OCTOBER.end, (("department", "finance"),)))
    assert finance.headline("data_accuracy", OCTOBER).data.value == direct.data.value
    rows = finance.breakdown("data_accuracy", OCTOBER, "department").data
    assert rows["department"].to_list() == ["finance"]
    by_system = finance.breakdown("data_accuracy", OCTOBER, "source_system").data
    assert by_system["rows"].sum() == direct.data.rows
    page = finance.detail("data_accuracy", OCTOBER, page_size=500).data
    assert set(page.rows["department"]) == {"finance"}


def test_department_scope_cannot_ask_for_another_department(runtime: app.Runtime) -> None:
    finance = ScopedEngine(runtime.engine, Scope(department="finance", label="lead of finance"))
    other = Filters(OCTOBER.start, OCTOBER.end, (("department", "hr"),))
    with pytest.raises(AccessDenied, match="department 'hr' is outside your access"):
        finance.headline("data_accuracy", other)
    with pytest.raises(AccessDenied):
        finance.drill("data_accuracy", OCTOBER, ("hr",))


def test_metrics_without_department_are_hidden_from_a_department_scope(runtime: app.Runtime) -> None:
    finance = ScopedEngine(runtime.engine, Scope(department="finance"))
    assert "milestones_on_time" not in finance.catalogue and "data_accuracy" in finance.catalogue
    with pytest.raises(AccessDenied, match="not broken down by department"):
        finance.headline("milestones_on_time", OCTOBER)


def test_metric_set_scope(runtime: app.Runtime) -> None:
    limited = ScopedEngine(runtime.engine, Scope(metrics=frozenset({"hours_saved"})))
    assert list(limited.catalogue) == ["hours_saved"]
    with pytest.raises(AccessDenied, match="outside your access"):
        limited.trend("data_accuracy", OCTOBER)


def test_the_calendar_passes_through_and_the_connectors_stay_out_of_reach(runtime: app.Runtime) -> None:
    engine = runtime.engine
    finance = ScopedEngine(engine, Scope(department="finance"))
    metric = engine.metric("data_accuracy")
    assert finance.programme_start() == engine.programme_start()
    assert finance.baseline_period(metric) == engine.baseline_period(metric)
    assert finance.target_date(metric) == engine.target_date(metric)
    assert finance.config is engine.config
    assert not hasattr(finance, "connectors")  # rows are reached only through questions the scope narrows
