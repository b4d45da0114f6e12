"""Programme maturity, declared as code: each dimension scored 1-5 by ordered level rules over catalogue KPIs.

The rules (CMMI-style, staged): a dimension starts at level 1 and reaches level N when every rule of levels 2..N
holds. A rule compares one KPI's value with a threshold; the value is the KPI over the calendar month before the
assessment date, asked of the engine like any other number. A rule whose KPI has no rows in that month (no audits
closed in a department, say) is left out of its level; a level none of whose rules has data is not reached.

The score blends the rule level with the self-assessment questionnaire of that assessment:
    score = ⌊0.7 × rule level + 0.3 × questionnaire mean + 0.5⌋   (rounded half up; one part alone when the other
    is missing), so what people report moves a score by at most one level and the KPIs decide the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from metrics.semantics.model import Metric, Text

RULE_WEIGHT = 0.7
SURVEY_WEIGHT = 0.3
LOWEST, HIGHEST = 1, 5
COMPARISONS = (">=", "<=")


@dataclass(frozen=True)
class Rule:
    """One condition of a level: a KPI compared with a threshold."""

    metric: str
    compare: str  # ">=" (at least) or "<=" (at most)
    threshold: float

    def holds(self, value: float) -> bool:
        return value >= self.threshold if self.compare == ">=" else value <= self.threshold

    def margin(self, value: float) -> float:
        """How far the value is on the right side of the threshold (negative: by how much it misses)."""
        return value - self.threshold if self.compare == ">=" else self.threshold - value


def at_least(metric: str, threshold: float) -> Rule:
    return Rule(metric, ">=", threshold)


def at_most(metric: str, threshold: float) -> Rule:
    return Rule(metric, "<=", threshold)


@dataclass(frozen=True)
class Level:
    """What a dimension needs, on top of the lower levels, to reach this level."""

    level: int
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Dimension:
    """A maturity dimension: its words, its ordered level rules (2..5) and the level the programme aims for."""

    key: str
    title: Text
    description: Text
    levels: tuple[Level, ...]
    target: int = 4

    def metrics(self) -> tuple[str, ...]:
        """The KPIs its rules read, in the order they first appear."""
        return tuple(dict.fromkeys(r.metric for level in self.levels for r in level.rules))


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "data_governance", Text("Data governance", "数据治理"),
        Text("Standards are followed when master data is created: unified codes, no duplicates.",
             "创建主数据时遵循标准：编码统一、无重复。"),
        (Level(2, (at_least("code_standardization", 0.80),)),
         Level(3, (at_least("code_standardization", 0.90), at_most("duplicate_records", 0.03))),
         Level(4, (at_least("code_standardization", 0.95), at_most("duplicate_records", 0.015))),
         Level(5, (at_least("code_standardization", 0.98), at_most("duplicate_records", 0.005))))),
    Dimension(
        "data_quality", Text("Data quality", "数据质量"),
        Text("Master data is accurate and complete.", "主数据准确且完整。"),
        (Level(2, (at_least("data_accuracy", 0.80),)),
         Level(3, (at_least("data_accuracy", 0.88), at_least("data_completeness", 0.93))),
         Level(4, (at_least("data_accuracy", 0.93), at_least("data_completeness", 0.95))),
         Level(5, (at_least("data_accuracy", 0.97), at_least("data_completeness", 0.99))))),
    Dimension(
        "process", Text("Process", "流程"),
        Text("Processes run automated and without errors.", "流程自动运行且少有差错。"),
        (Level(2, (at_least("automation_rate", 0.30),)),
         Level(3, (at_least("automation_rate", 0.55), at_most("error_rate", 0.05))),
         Level(4, (at_least("automation_rate", 0.75), at_most("error_rate", 0.035))),
         Level(5, (at_least("automation_rate", 0.85), at_most("error_rate", 0.02))))),
    Dimension(
        "integration", Text("Integration", "系统集成"),
        Text("Systems exchange data through the standard integration platform.", "系统通过标准集成平台交换数据。"),
        (Level(2, (at_least("standard_interface_share", 0.25),)),
         Level(3, (at_least("standard_interface_share", 0.50),)),
         Level(4, (at_least("standard_interface_share", 0.80),)),
         Level(5, (at_least("standard_interface_share", 0.95),)))),
    Dimension(
        "security_compliance", Text("Security & compliance", "安全与合规"),
        Text("Access is reviewed on time, privileged accounts are checked, operations are logged, and audits and "
             "their findings are closed quickly.",
             "权限按期复核，特权账号受控，操作留有日志，审计及其发现问题迅速结案。"),
        (Level(2, (at_most("audit_cycle_days", 14), at_least("access_reviews_on_time", 0.70))),
         Level(3, (at_most("audit_cycle_days", 10), at_least("access_reviews_on_time", 0.85),
                   at_least("privileged_accounts_reviewed", 0.80), at_least("logging_coverage", 0.85))),
         Level(4, (at_most("audit_cycle_days", 5), at_least("access_reviews_on_time", 0.90),
                   at_least("privileged_accounts_reviewed", 0.90), at_least("logging_coverage", 0.95),
                   at_most("open_findings_age_days", 45))),
         Level(5, (at_most("audit_cycle_days", 3), at_least("access_reviews_on_time", 0.97),
                   at_least("privileged_accounts_reviewed", 0.98), at_least("logging_coverage", 0.99),
                   at_most("open_findings_age_days", 20))))),
    Dimension(
        "people", Text("People", "人员能力"),
        Text("Key staff and process owners are trained for the programme, and users are satisfied with the systems "
             "they work with.", "关键人员和流程负责人完成项目培训，用户对所用系统满意。"),
        (Level(2, (at_least("key_staff_trained", 0.30),)),
         Level(3, (at_least("key_staff_trained", 0.60), at_least("process_owners_trained", 0.55),
                   at_least("feedback_satisfaction", 3.2))),
         Level(4, (at_least("key_staff_trained", 0.85), at_least("process_owners_trained", 0.85),
                   at_least("feedback_satisfaction", 3.6))),
         Level(5, (at_least("key_staff_trained", 0.97), at_least("process_owners_trained", 0.97),
                   at_least("feedback_satisfaction", 4.0))))),
)


def dimension(key: str) -> Dimension:
    """The declared dimension with this key (KeyError when there is none)."""
    return next(d for d in DIMENSIONS if d.key == key)


def blend(rule_level: int | None, survey: float | None) -> int | None:
    """The score: the weighted blend of rule level and questionnaire mean, rounded half up (see the module doc)."""
    if rule_level is None and survey is None:
        return None
    if survey is None:
        exact = float(rule_level)  # type: ignore[arg-type]
    elif rule_level is None:
        exact = survey
    else:
        exact = RULE_WEIGHT * rule_level + SURVEY_WEIGHT * survey
    return min(HIGHEST, max(LOWEST, int(exact + 0.5)))


def rule_level(dim: Dimension, values: Mapping[str, float | None]) -> int | None:
    """The highest level whose rules, and those of every level below, hold; None when no rule has data."""
    if all(values.get(m) is None for m in dim.metrics()):
        return None
    reached = LOWEST
    for level in dim.levels:
        judged = [r.holds(value) for r in level.rules if (value := values.get(r.metric)) is not None]
        if not judged or not all(judged):
            break
        reached = level.level
    return reached


# -- validation at start-up: every problem at once, each naming the rule ------------------------------------------
def _where(dim: Dimension, level: Level, rule: Rule | None = None) -> str:
    text = f"maturity rule {dim.key} level {level.level}"
    return text + (f" ({rule.metric} {rule.compare} {rule.threshold:g})" if rule else "")


def rule_problems(catalogue: Mapping[str, Metric], dimensions: Iterable[Dimension] | None = None) -> list[str]:
    """What is wrong with the declared dimensions (default: DIMENSIONS) against the metric catalogue."""
    problems: list[str] = []
    seen: set[str] = set()
    for dim in DIMENSIONS if dimensions is None else dimensions:
        if dim.key in seen:
            problems.append(f"maturity dimension {dim.key}: declared twice")
        seen.add(dim.key)
        if not LOWEST <= dim.target <= HIGHEST:
            problems.append(f"maturity dimension {dim.key}: target {dim.target} is not a level 1-5")
        expected = list(range(LOWEST + 1, LOWEST + 1 + len(dim.levels)))
        if [lv.level for lv in dim.levels] != expected or len(dim.levels) > HIGHEST - LOWEST:
            problems.append(f"maturity dimension {dim.key}: levels must be 2, 3, 4, 5 in order, got "
                            f"{', '.join(str(lv.level) for lv in dim.levels) or 'none'}")
        for level in dim.levels:
            if not level.rules:
                problems.append(f"{_where(dim, level)}: a level needs at least one rule")
            for rule in level.rules:
                if rule.metric not in catalogue:
                    problems.append(f"{_where(dim, level, rule)}: unknown metric '{rule.metric}'")
                elif "department" not in catalogue[rule.metric].dimensions:
                    problems.append(f"{_where(dim, level, rule)}: {rule.metric} has no department dimension, so a "
                                    f"department's maturity cannot be judged by it")
                if rule.compare not in COMPARISONS:
                    problems.append(f"{_where(dim, level, rule)}: comparison must be one of {', '.join(COMPARISONS)}")
    return problems
