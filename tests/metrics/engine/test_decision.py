"""metrics/engine/decision.py: which target a slice is judged against, the status decision and its sentence, and the
per-slice targets of the config ([[targets]]) with their checks."""
from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from config.settings import SliceTarget, parse_config
from core.errors import ConfigError
from core.i18n import STRINGS
from metrics.engine.decision import Goal, Origin, decide, goal_for, period_name
from metrics.engine.status import Status
from metrics.semantics import registry
from metrics.semantics.model import Metric, TargetScope
from metrics.semantics.validation import target_problems

DUE = date(2026, 11, 30)
TODAY = date(2026, 11, 27)
OCTOBER = (date(2026, 10, 1), date(2026, 11, 1))
FINANCE = (("department", "finance"),)
TARGETS = (SliceTarget("hours_saved", "department", "finance", 423.0),
           SliceTarget("hours_saved", "department", "it", 42.0, date(2026, 6, 30)))


@pytest.fixture
def pack() -> dict[str, Metric]:
    return registry.load_modules(registry.DEFAULT_PACK)


# -- the goal of a slice ---------------------------------------------------------------------------------------
def test_a_rate_holds_its_target_for_every_slice(pack: dict[str, Metric]) -> None:
    accuracy = pack["data_accuracy"]
    assert accuracy.target_scope is TargetScope.SAME
    assert goal_for(accuracy, FINANCE, TARGETS, DUE) == Goal(0.96, DUE, Origin.PROGRAMME)
    assert goal_for(accuracy, (), TARGETS, DUE) == Goal(0.96, DUE, Origin.PROGRAMME)


def test_a_sum_is_judged_against_the_slices_own_target_or_none(pack: dict[str, Metric]) -> None:
    hours = pack["hours_saved"]
    assert goal_for(hours, (), TARGETS, DUE) == Goal(1500, DUE, Origin.PROGRAMME)  # the whole programme
    assert goal_for(hours, FINANCE, TARGETS, DUE) == Goal(423.0, DUE, Origin.SLICE, FINANCE)
    assert goal_for(hours, (("department", "it"),), TARGETS, DUE).due == date(2026, 6, 30)  # its own due date
    hr = goal_for(hours, (("department", "hr"),), TARGETS, DUE)
    assert (hr.target, hr.origin) == (None, Origin.NOT_FOR_SLICE)  # never the programme's 1,500 h
    finer = goal_for(hours, (*FINANCE, ("process", "purchase_order")), TARGETS, DUE)
    assert finer.target is None  # a department's target is not a target for one process within it


def test_a_target_for_the_programme_only_is_no_target_for_a_slice(pack: dict[str, Metric]) -> None:
    from dataclasses import replace

    cost = replace(pack["operating_cost_monthly"], target_scope=TargetScope.NONE)
    assert goal_for(cost, FINANCE, TARGETS, DUE).origin is Origin.NOT_FOR_SLICE
    assert goal_for(cost, (), TARGETS, DUE).target == 1_050_000


# -- the decision and its words --------------------------------------------------------------------------------
def decision_of(metric: Metric, value: float | None, monthly: list[float], rows: int = 500, goal: Goal | None = None,
                period: tuple[date, date] = OCTOBER, today: date = TODAY):  # noqa: ANN201
    return decide(metric, value, rows, goal or goal_for(metric, (), (), DUE), monthly, *period, today)


def test_below_the_target_is_never_met(pack: dict[str, Metric]) -> None:
    d = decision_of(pack["data_accuracy"], 0.959, [0.961, 0.962, 0.959])
    assert not d.met and d.status is not Status.ON_TRACK
    for lang in ("en", "zh"):
        assert "meets" not in d.sentence(lang) and "已达到" not in d.sentence(lang)
    met = decision_of(pack["data_accuracy"], 0.96, [0.95, 0.96])
    assert met.met and met.status is Status.ON_TRACK and met.sentence("en") == "96.0% meets the target of 96.0%."


def test_the_time_left_is_counted_from_today_for_a_past_period(pack: dict[str, Metric]) -> None:
    # 3.9 days against 3.0 due 30 Nov: October's pace (−0.65 a month) needs 1.4 months, 3 days are left.
    d = decision_of(pack["audit_cycle_days"], 3.9, [5.0, 4.0, 2.5, 2.8, 2.6, 3.9], rows=11)
    assert d.status is Status.AT_RISK and d.reason == "decision.late"
    assert d.evidence.months_left == pytest.approx(3 / 30.44)
    assert "after the target date, 30 Nov 2026" in d.sentence("en")


def test_a_passed_due_date_without_the_target_met_is_off_track(pack: dict[str, Metric]) -> None:
    hours, it = pack["hours_saved"], goal_for(pack["hours_saved"], (("department", "it"),), TARGETS, DUE)
    d = decision_of(hours, 40.6, [30, 35, 40.6], goal=it)
    assert d.status is Status.OFF_TRACK and d.sentence("en") == (
        "The target date, 30 Jun 2026, has passed without the target of 42.0 h met (40.6 h).")


def test_too_few_records_is_grey_and_says_how_many(pack: dict[str, Metric]) -> None:
    d = decision_of(pack["milestones_on_time"], 0.0, [0.5, 0.0], rows=2)
    assert d.status is Status.TOO_FEW and not d.judged
    assert d.label("en") == "Too few records (2)" and d.label("zh") == "记录太少（2 条）"
    assert d.sentence("en") == "Too few records to judge: 2 in Oct 2026, at least 5 needed."


def test_no_value_has_no_status_words(pack: dict[str, Metric]) -> None:
    d = decision_of(pack["schedule_variance_days"], None, [], rows=0)
    assert d.status is Status.UNKNOWN and not d.met
    assert d.label("en") == "No data to judge" and d.sentence("en") == "No data in Oct 2026, so no status."


def test_a_slice_without_a_target_shows_none(pack: dict[str, Metric]) -> None:
    hours = pack["hours_saved"]
    d = decision_of(hours, 394.0, [380, 390, 394], goal=goal_for(hours, (("department", "hr"),), TARGETS, DUE))
    assert d.status is Status.UNKNOWN and d.target is None and d.label("en") == "No target"
    assert d.target_text("en") == "No target for Human Resources"
    assert d.sentence("zh") == "人力资源部没有设定目标：只显示其数值和趋势。"


@pytest.mark.parametrize("start, end, to_date, en, zh", [
    (date(2026, 10, 1), date(2026, 11, 1), False, "Oct 2026", "2026年10月"),
    (date(2026, 7, 1), date(2026, 10, 1), False, "Q3 2026", "2026年第3季度"),
    (date(2026, 1, 1), date(2026, 11, 27), True, "YTD 2026", "2026年初至今"),
    (date(2026, 1, 1), date(2026, 3, 16), False, "1 Jan – 15 Mar 2026", "2026年1月1日 – 3月15日"),
    (date(2026, 8, 29), date(2026, 11, 27), False, "29 Aug – 26 Nov 2026", "2026年8月29日 – 11月26日"),
    (date(2025, 12, 1), date(2026, 2, 1), False, "1 Dec 2025 – 31 Jan 2026", "2025年12月1日 – 2026年1月31日"),
])
def test_every_period_has_a_name(start: date, end: date, to_date: bool, en: str, zh: str) -> None:
    assert (period_name(start, end, "en", to_date), period_name(start, end, "zh", to_date)) == (en, zh)


def test_every_sentence_is_in_both_languages_with_the_same_placeholders() -> None:
    keys = [k for k in STRINGS if k.startswith("decision.")]
    assert len(keys) >= 15 and all(len(STRINGS[k]) == 2 and all(STRINGS[k]) for k in keys)


# -- per-slice targets in the config ---------------------------------------------------------------------------
def config_of(text: str):  # noqa: ANN201
    return parse_config(tomllib.loads(text), Path("/etc/vantage.toml"), {}, environ={})


def test_targets_are_read_from_the_config() -> None:
    config = config_of('[[targets]]\nmetric = "hours_saved"\ndimension = "department"\nvalue = "finance"\n'
                       'target = 423\ndue = 2027-03-31\n')
    assert config.targets == (SliceTarget("hours_saved", "department", "finance", 423.0, date(2027, 3, 31)),)


@pytest.mark.parametrize("entry, where, words", [
    ('metric = "hours_saved"\ndimension = "department"\nvalue = "finance"', "#1 target", "missing key 'target'"),
    ('metric = "hours_saved"\ndimension = "department"\nvalue = "finance"\ntarget = "lots"', "#1 target",
     "target must be a number"),
    ('metric = "hours_saved"\ndimension = "department"\nvalue = "finance"\ntarget = 1\ncolour = 2', "#1 colour",
     "unknown key 'colour'"),
    ('metric = "hours_saved"\ndimension = "department"\nvalue = "finance"\ntarget = 1\ndue = "soon"', "#1 due",
     "due must be a date"),
    ('metric = ""\ndimension = "department"\nvalue = "finance"\ntarget = 1', "#1 metric", "non-empty text"),
])
def test_a_wrong_target_names_file_entry_and_key(entry: str, where: str, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        config_of(f"[[targets]]\n{entry}\n")
    message = raised.value.message
    assert f"/etc/vantage.toml [[targets]] {where}" in message and words in message and "To fix this" in message


def test_a_slice_may_have_one_target_only() -> None:
    entry = '[[targets]]\nmetric = "m"\ndimension = "department"\nvalue = "hr"\ntarget = 1\n'
    with pytest.raises(ConfigError, match="a second target for m department=hr"):
        config_of(entry * 2)


def test_targets_are_checked_against_the_catalogue(pack: dict[str, Metric]) -> None:
    wrong = (SliceTarget("no_such_kpi", "department", "hr", 1.0), SliceTarget("data_accuracy", "department", "hr", 0.9),
             SliceTarget("hours_saved", "colour", "red", 1.0), *TARGETS)
    problems = target_problems(pack, wrong, "/etc/vantage.toml")
    assert len(problems) == 3 and all(p.startswith("/etc/vantage.toml [[targets]] #") for p in problems)
    assert "unknown metric 'no_such_kpi'" in problems[0]
    assert "declares target_scope=SAME" in problems[1] and "TargetScope.PER_SLICE" in problems[1]
    assert "has no dimension 'colour'" in problems[2]


def test_the_demo_declares_a_target_for_every_department_of_every_sum(runtime) -> None:  # noqa: ANN001
    sums = ("hours_saved", "labour_value_saved", "api_calls_per_day", "operating_cost_monthly",
            "cost_savings_annualized", "weekly_active_users", "open_audit_findings")
    assert all(runtime.catalogue[k].target_scope is TargetScope.PER_SLICE for k in sums)
    assert target_problems(runtime.catalogue, runtime.config.targets, str(runtime.config.path)) == []
    for key in sums:  # the programme's target split over the eight departments
        own = [t for t in runtime.config.targets if t.metric == key]
        assert len(own) == 8 and sum(t.target for t in own) == pytest.approx(runtime.catalogue[key].target)
