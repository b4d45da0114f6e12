"""metrics/maturity.py and metrics/assessment.py: the declared rules, their validation at start-up, the blend, and
every score of the demo's assessments against the rules applied to independent SQL over the demo SQLite."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import app
from core.errors import CatalogueError, UsageError
from metrics.engine.periods import add_months
from metrics.engine.scope import Scope, ScopedEngine
from metrics.semantics.model import Text
from metrics.semantics.validation import RULES, schema_problems
from programme import maturity
from metrics.pack.maturity import QUESTIONNAIRE
from metrics.semantics.model import listed
from programme.assessment import assess_at, assessments, questionnaires
from programme.maturity import DIMENSIONS, Dimension, Level, at_least, at_most, blend, rule_level
from tests.conftest import TODAY
from tests.metrics.pack.test_pack_sql import EXPECTED, db  # noqa: F401 - the independent SQL of every KPI, and its database
from tests.metrics.pack.test_people_security_sql import EXPECTED as PEOPLE_SECURITY


# -- the declarations ---------------------------------------------------------------------------------------------
def test_the_declared_rules_name_catalogue_metrics_with_a_department(runtime: app.Runtime) -> None:
    assert maturity.rule_problems(runtime.catalogue) == []
    assert [d.key for d in DIMENSIONS] == ["data_governance", "data_quality", "process", "integration",
                                           "security_compliance", "people"]
    assert all([lv.level for lv in d.levels] == [2, 3, 4, 5] for d in DIMENSIONS)


def _dimension(*levels: Level, target: int = 4) -> Dimension:
    return Dimension("trial", Text("Trial", "试验"), Text("A trial.", "试验。"), tuple(levels), target)


@pytest.mark.parametrize("dimension, problem", [
    (_dimension(Level(2, (at_least("data_acuracy", 0.9),))),
     "maturity rule trial level 2 (data_acuracy >= 0.9): unknown metric 'data_acuracy'"),
    (_dimension(Level(2, (at_least("milestones_on_time", 0.8),))),
     "maturity rule trial level 2 (milestones_on_time >= 0.8): milestones_on_time has no department dimension"),
    (_dimension(Level(3, (at_least("data_accuracy", 0.9),))), "maturity dimension trial: levels must be 2, 3, 4, 5"),
    (_dimension(Level(2, ())), "maturity rule trial level 2: a level needs at least one rule"),
    (_dimension(Level(2, (maturity.Rule("data_accuracy", ">", 0.9),))), "comparison must be one of >=, <="),
    (_dimension(Level(2, (at_least("data_accuracy", 0.9),)), target=6), "target 6 is not a level 1-5"),
])
def test_a_wrong_rule_is_a_problem_that_names_it(runtime: app.Runtime, dimension: Dimension, problem: str) -> None:
    assert any(problem in p for p in maturity.rule_problems(runtime.catalogue, [dimension]))


def test_a_wrong_rule_stops_start_up_like_the_catalogue(demo_config,  # noqa: ANN001 - config.settings.Config
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = _dimension(Level(2, (at_most("audit_cycle_dais", 14),)))
    monkeypatch.setattr(maturity, "DIMENSIONS", (*DIMENSIONS, wrong))
    with pytest.raises(CatalogueError) as raised:
        app.wire(demo_config)
    message = raised.value.message
    assert "maturity rule trial level 2 (audit_cycle_dais <= 14): unknown metric 'audit_cycle_dais'" in message
    assert "To fix this" in raised.value.message


def test_the_questionnaire_is_a_registered_metric_validated_like_the_others(runtime: app.Runtime) -> None:
    """Registered by the pack (no cloned engine), checked by the same rules, and not listed among the KPIs."""
    questionnaire = runtime.catalogue[QUESTIONNAIRE]
    problems = [p for rule in RULES for p in rule(questionnaire, runtime.catalogue)]
    schema = runtime.engine.connectors["demo"].schema("assessment_answers")
    assert problems == [] and list(schema_problems(questionnaire, schema)) == []
    assert questionnaire.module == "metrics.pack.maturity"
    assert QUESTIONNAIRE not in listed(runtime.catalogue)  # it stays off the overview, the wall and the league


@pytest.mark.parametrize("rule, survey, score", [
    (4, 3.49, 4), (3, 2.92, 3), (1, 2.39, 1), (2, 4.0, 3), (1, 5.0, 2), (5, 5.0, 5),
    (None, 2.5, 3),  # half up, where Python's round() would give 2
    (2, None, 2), (None, None, None),
])
def test_blend(rule: int | None, survey: float | None, score: int | None) -> None:
    assert blend(rule, survey) == score


@pytest.mark.parametrize("values, level", [
    ({"data_accuracy": 0.784, "data_completeness": 0.967}, 1),
    ({"data_accuracy": 0.926, "data_completeness": 0.991}, 3),  # level 4 fails on accuracy by 0.4 pp
    ({"data_accuracy": 0.963, "data_completeness": 0.996}, 4),
    ({"data_accuracy": 0.98, "data_completeness": 0.90}, 2),  # staged: level 3 fails, so 4 and 5 do not count
    ({"data_accuracy": 0.95, "data_completeness": None}, 4),  # a KPI without data is left out of its level
    ({"data_accuracy": None, "data_completeness": None}, None),
])
def test_rule_level_is_staged(values: dict[str, float | None], level: int | None) -> None:
    assert rule_level(maturity.dimension("data_quality"), values) == level


# -- the demo's assessments against independent SQL ------------------------------------------------------------------
def sql_kpi(db: sqlite3.Connection, key: str, month: date, department: str | None) -> float | None:  # noqa: F811
    time, compute = (PEOPLE_SECURITY[key][0], PEOPLE_SECURITY[key][2]) if key in PEOPLE_SECURITY else (
        EXPECTED[key][0], EXPECTED[key][2])
    extra = f"department = '{department}'" if department else "1=1"
    return compute(db, time, month.isoformat(), add_months(month, 1).isoformat(), extra)


def sql_scores(db: sqlite3.Connection, on: date, assessment_id: str,  # noqa: F811
               department: str | None = None) -> dict[str, tuple[Any, ...]]:
    """(rule level, questionnaire mean, score) per dimension, from SQL and the declared rules applied by hand."""
    month = add_months(on.replace(day=1), -1)
    extra = f" AND department = '{department}'" if department else ""
    means = dict(db.execute(f"SELECT dimension, AVG(score) FROM assessment_answers WHERE assessment_id = ?{extra} "
                            "GROUP BY dimension", (assessment_id,)).fetchall())
    out = {}
    for dim in DIMENSIONS:
        values = {k: sql_kpi(db, k, month, department) for k in dim.metrics()}
        level: int | None = None if all(v is None for v in values.values()) else 1
        for lv in dim.levels:
            judged = [(v >= r.threshold) if r.compare == ">=" else (v <= r.threshold)
                      for r in lv.rules if (v := values[r.metric]) is not None]
            if level is None or not judged or not all(judged):
                break
            level = lv.level
        survey = means.get(dim.key)
        if level is None or survey is None:
            exact = survey if level is None else level
        else:
            exact = 0.7 * level + 0.3 * survey
        score = None if exact is None else min(5, max(1, int(exact + 0.5)))
        out[dim.key] = (level, survey, score)
    return out


def cli_maturity(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> list[dict]:
    code = app.main(["--data-dir", str(data_dir), "--today", TODAY, "maturity", *args, "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


def test_every_score_of_every_assessment_equals_the_rules_over_sql(db: sqlite3.Connection, data_dir: Path,  # noqa: F811
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rows = cli_maturity(capsys, data_dir)
    held = db.execute("SELECT assessment_id, MIN(assessed_on) FROM assessment_answers GROUP BY 1 ORDER BY 2").fetchall()
    assert [a for a, _ in held] == ["baseline", "reassessment_1", "reassessment_2"]
    assert len(rows) == 3 * len(DIMENSIONS)
    for assessment_id, first in held:
        expected = sql_scores(db, date.fromisoformat(first), assessment_id)
        for row in (r for r in rows if r["assessment"] == assessment_id):
            level, survey, score = expected[row["dimension"]]
            assert row["assessed_on"] == first and row["rule_level"] == level and row["score"] == score, row
            assert close(row["questionnaire"], survey), row
    # The demo's story: every dimension climbs from the programme start to the latest assessment.
    start = {r["dimension"]: r["score"] for r in rows if r["assessment"] == "baseline"}
    now = {r["dimension"]: r["score"] for r in rows if r["assessment"] == "reassessment_2"}
    assert all(now[d] > start[d] for d in start)


@pytest.mark.parametrize("at, department", [("2026-07-15", None), ("2026-03-01", None), ("2026-11-20", "finance")])
def test_scores_at_a_date_equal_the_rules_over_sql(db: sqlite3.Connection, data_dir: Path,  # noqa: F811
                                                   capsys: pytest.CaptureFixture[str], at: str,
                                                   department: str | None) -> None:
    where = ["--where", f"department={department}"] if department else []
    rows = cli_maturity(capsys, data_dir, "--at", at, *where)
    extra = f" AND department = '{department}'" if department else ""
    latest = db.execute(f"SELECT assessment_id FROM assessment_answers WHERE assessed_on <= ?{extra} "
                        "GROUP BY 1 ORDER BY MIN(assessed_on) DESC LIMIT 1", (at,)).fetchone()[0]
    expected = sql_scores(db, date.fromisoformat(at), latest, department)
    assert {r["assessment"] for r in rows} == {latest}
    for row in rows:
        level, survey, score = expected[row["dimension"]]
        assert (row["rule_level"], row["score"]) == (level, score) and close(row["questionnaire"], survey), row


def test_a_department_lead_gets_their_own_maturity_and_no_other(runtime: app.Runtime) -> None:
    today = date.fromisoformat(TODAY)
    lead = ScopedEngine(runtime.engine, Scope(department="sales", label="lead of sales"))
    own = assessments(lead, today)
    asked = assessments(runtime.engine, today, (("department", "sales"),))
    assert [[s.score for s in a.scores] for a in own] == [[s.score for s in a.scores] for a in asked]
    assert [q for q, _ in questionnaires(lead, today)] == ["baseline", "reassessment_1", "reassessment_2"]
    with pytest.raises(Exception, match="outside your access"):
        assessments(lead, today, (("department", "finance"),))


def test_a_date_after_today_is_refused(runtime: app.Runtime) -> None:
    with pytest.raises(UsageError, match="after today"):
        assess_at(runtime.engine, date(2027, 1, 1), date.fromisoformat(TODAY))


def test_cli_table_and_bad_date(data_dir: Path) -> None:
    from tests.conftest import run_cli

    table = run_cli("maturity", data_dir=data_dir)
    assert table.returncode == 0, table.stderr
    header, rule, *lines = table.stdout.splitlines()
    assert header.split() == ["assessment", "assessed_on", "kpi_month", "dimension", "rule_level", "questionnaire",
                              "score", "target"] and len(lines) == 18
    bad = run_cli("maturity", "--at", "2026-02-30", data_dir=data_dir)
    assert bad.returncode == 2 and bad.stderr.startswith("error: bad date") and "To fix this" in bad.stderr
