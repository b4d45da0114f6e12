"""dashboard/i18n.py and dashboard/labels.py: every word on screen exists in English and Chinese."""
from __future__ import annotations

import re
import string
from datetime import date, datetime
from pathlib import Path

import pytest

from core import labels
from core.i18n import LANGUAGES, STRINGS, language, t
from demo.reference import DEPARTMENTS, PROCESS_TYPES, SYSTEMS
from metrics.engine.periods import PRESETS
from metrics.engine.status import Status
from metrics.semantics import registry
from metrics.semantics.model import Pillar

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard"
# Where words are asked for: the dashboard, the emails and what both use.
SPEAKING = [ROOT / name for name in ("core", "config", "programme", "access", "dashboard", "snapshots", "cli")]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key: str) -> None:
    en, zh = STRINGS[key]
    assert en.strip() and zh.strip(), key
    assert placeholders(en) == placeholders(zh), key


def test_every_key_the_code_asks_for_exists() -> None:
    import importlib

    # Pages register their own strings when imported: import every dashboard module first.
    for path in DASHBOARD.rglob("*.py"):
        module = ".".join(path.relative_to(DASHBOARD.parent).with_suffix("").parts)
        if "pages" not in module or path.name.startswith("_"):  # page modules need an app; their helpers do not
            importlib.import_module(module)
    asked = set()
    for path in (p for folder in SPEAKING for p in folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        asked |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""", text))
        asked |= set(re.findall(r"""label_key=["']([a-z0-9_.]+)["']""", text))
    # Keys built from enums and presets, e.g. t(f"status.{name}").
    asked |= {f"status.{s.value}" for s in Status} | {f"pillar.{p.value}" for p in Pillar}
    asked |= {f"period.{p}" for p in PRESETS}
    asked |= {f"milestone.{s}" for s in ("done", "in_progress", "not_started", "blocked")}
    assert sorted(asked - set(STRINGS)) == []


def test_no_string_is_left_unused() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for folder in SPEAKING for p in folder.rglob("*.py")
                     if p.name != "i18n.py")
    built = ("status.", "pillar.", "period.", "milestone.")  # keys the code builds from a value
    assert [k for k in STRINGS if k not in code and not k.startswith(built)] == []


def test_t_fills_placeholders_and_falls_back_to_the_key() -> None:
    assert t("tile.target_by", "en", target="96.0%", date="30 Nov 2026") == "Target 96.0% by 30 Nov 2026"
    assert t("tile.target_by", "zh", target="96.0%", date="2026年11月30日") == "目标 96.0%（2026年11月30日前）"
    assert t("no.such.key", "zh") == "no.such.key"
    assert language("zh") == "zh" and language("de") == "en" and language(None, "zh") == "zh"
    assert LANGUAGES == ("en", "zh")


@pytest.mark.parametrize("dimension, pairs", [
    ("department", [(d[0], d[1], d[2]) for d in DEPARTMENTS]),
    ("process", [(p[0], p[1], p[2]) for p in PROCESS_TYPES]),
])
def test_reference_ids_have_the_programme_names(dimension: str, pairs: list[tuple[str, str, str]]) -> None:
    for ident, en, zh in pairs:
        assert labels.value_label(dimension, ident, "en") == en
        assert labels.value_label(dimension, ident, "zh") == zh


def test_every_system_is_named_in_both_languages_under_each_column_that_holds_one() -> None:
    for system_id, _en, _zh in SYSTEMS:
        for column in ("source_system", "target_system", "system"):
            en, zh = labels.value_label(column, system_id, "en"), labels.value_label(column, system_id, "zh")
            assert en and zh and zh != system_id


def test_unknown_values_show_as_they_are() -> None:
    assert labels.value_label("department", "legal", "zh") == "legal"
    assert labels.value_label("colour", "blue", "en") == "blue"
    assert labels.value_label("department", None, "en") == "—"


def test_every_dimension_and_record_column_of_the_default_metrics_has_a_heading() -> None:
    catalogue = registry.load_modules(registry.DEFAULT_PACK)
    columns = {c for m in catalogue.values() for c in (*m.dimensions, *m.detail_columns)} | {"problem"}
    missing = sorted(c for c in columns if c not in labels.COLUMNS)
    assert missing == []
    assert all(zh.strip() for _en, zh in labels.COLUMNS.values())


@pytest.mark.parametrize("start, end, en, zh", [
    (date(2026, 10, 1), date(2026, 11, 1), "Oct 2026", "2026年10月"),
    (date(2026, 7, 1), date(2026, 10, 1), "Q3 2026", "2026年第3季度"),
    (date(2026, 1, 1), date(2026, 11, 27), "1 Jan 2026 – 26 Nov 2026", "2026年1月1日 – 2026年11月26日"),
    (date(2026, 2, 1), date(2026, 5, 1), "1 Feb 2026 – 30 Apr 2026", "2026年2月1日 – 2026年4月30日"),
])
def test_period_labels(start: date, end: date, en: str, zh: str) -> None:
    assert labels.period_label(start, end, "en") == en
    assert labels.period_label(start, end, "zh") == zh


def test_dates_and_times() -> None:
    moment = datetime(2026, 11, 26, 22, 51)
    assert labels.time_label(moment, "en") == "26 Nov 2026 22:51"
    assert labels.time_label(moment, "zh", with_year=False) == "11月26日 22:51"
    assert labels.date_label(None, "en") == "—" and labels.month_label(date(2027, 4, 1), "zh") == "2027年4月"


def test_problems_read_in_chinese_and_unknown_phrases_stay() -> None:
    assert labels.problem_label("invalid tax id, invalid email", "zh") == "税号无效，邮箱无效"
    assert labels.problem_label("3.5 days late", "zh") == "3.5 days late"
    assert labels.problem_label("invalid email", "en") == "invalid email"
