"""core/i18n.py and core/labels.py: every word on a page, in an email or on the wall exists in English and Chinese,
is looked up through one function, and is declared once."""
from __future__ import annotations

import ast
import importlib
import re
import string
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from core import labels
from core.i18n import LANGUAGES, STRINGS, language, pick, register, t
from demo.reference import DEPARTMENTS, PROCESS_TYPES, SYSTEMS
from metrics.engine.periods import PRESETS
from metrics.engine.status import Status
from metrics.pack.feedback import THEMES
from metrics.semantics import registry
from metrics.semantics.model import Pillar
from programme import checkins
from programme.milestones import OUTCOMES
from programme.plan import STATUSES

ROOT = Path(__file__).resolve().parents[2]
# Where words are asked for: the dashboard, the emails, what both use, and the engine's status decisions.
SPEAKING = [ROOT / name for name in ("core", "config", "metrics", "programme", "access", "dashboard", "snapshots",
                                     "cli")]
SOURCES = sorted(p for folder in SPEAKING for p in folder.rglob("*.py"))
TREES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES}
KEY = re.compile(r"[a-z_]+(\.[a-z0-9_]+)+")
PREFIX = re.compile(r"[a-z_]+\.[a-z0-9_.]*")

# Keys the code builds from a value, e.g. t(f"status.{status}"): each prefix with every value it is built from.
FAMILIES: dict[str, list[str]] = {
    "status.": [s.value for s in Status],
    "pillar.": [p.value for p in Pillar],
    "period.": list(PRESETS),
    "milestone.": list(STATUSES),
    "outcome.": list(OUTCOMES),
    "verdict.": ["met", "missed", "no_data", "error"],  # a phase still running reads "outcome.in_progress"
    "assessment.legend_": [s.value for s in Status if s not in (Status.UNKNOWN, Status.TOO_FEW)],
    "programme.unknown_": ["phase", "workstream", "milestone", "kpi"],
    "programme.issue_": ["table", "row", "problem", "fix"],
    "feedback.theme_": [theme.replace(" ", "_") for theme, _pattern in THEMES],
    "checkin.status.": list(checkins.STATUSES),
}

# The same English under more than one key, each with why one key would not do.
ALLOWED_DUPLICATES: dict[str, tuple[set[str], str]] = {
    "Programme": ({"pillar.programme", "nav.programme"},
                  "different Chinese on purpose: the KPI pillar is 项目管理 (programme management), the page is 项目群 "
                  "(the programme of projects)"),
    "due {date}": ({"programme.due_on", "wall.due", "mail.programme.due"},
                   "different Chinese: the programme page says '{date} 到期', the wall '{date}到期' (no space), the "
                   "email '计划 {date}' (planned); one key would change what two of them show, which is a wording "
                   "decision, not a refactoring"),
}


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _registers_words(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.ImportFrom) and n.module == "core.i18n" and any(a.name == "register" for a in n.names)
               for n in ast.walk(tree))


# Every module that registers words (the pages' _words.py, the email's words.py …), imported before any test reads
# STRINGS; none of them needs an app.
REGISTERING = [_module(path) for path, tree in TREES.items() if _registers_words(tree)]
for _name in REGISTERING:
    importlib.import_module(_name)


def _is_word_table(node: ast.AST) -> bool:
    """A dict literal of key: (English, Chinese), as i18n.py and every module that registers words declare them."""
    return (isinstance(node, ast.Dict) and bool(node.values)
            and all(isinstance(v, ast.Tuple) and len(v.elts) == len(LANGUAGES)
                    and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in v.elts)
                    for v in node.values))


def _names_a_file_or_module(text: str) -> bool:
    return (ROOT / text).exists() or (ROOT / text.replace(".", "/")).with_suffix(".py").exists()


def _head(node: ast.AST) -> ast.Constant | None:
    """The constant start of f"prefix.{value}" or "prefix." + value, when it has one."""
    first = node.values[0] if isinstance(node, ast.JoinedStr) and node.values else \
        node.left if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) else None
    return first if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _scan() -> tuple[set[str], set[str], set[str]]:
    """What the code asks for: (key-shaped strings, keys given to t(...) or label_key=..., prefixes of built keys).

    A key-shaped string is asked for wherever it stands, since a loop may pass a tuple of (key, ...) on to t(...);
    the keys of a word table are declared, not asked for. A prefix counts when it starts a key given to t(...), or
    when it starts a built string and names a namespace of words.
    """
    namespaces = {key.split(".")[0] for key in STRINGS}
    literals: set[str] = set()
    called: set[str] = set()
    prefixes: set[str] = set()
    for tree in TREES.values():
        not_keys: set[int] = set()
        for node in ast.walk(tree):
            if _is_word_table(node):
                not_keys |= {id(k) for k in node.keys}
            head = _head(node)
            if head is not None:
                not_keys.add(id(head))
                if PREFIX.fullmatch(head.value) and head.value.split(".")[0] in namespaces:
                    prefixes.add(head.value)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args:
                asked = node.args[0]
                if isinstance(asked, ast.Constant):
                    called.add(str(asked.value))
                elif (head := _head(asked)) is not None:
                    prefixes.add(head.value)  # t(f"typo.{value}") too, whatever its namespace
            if isinstance(node, ast.keyword) and node.arg == "label_key" and isinstance(node.value, ast.Constant):
                called.add(str(node.value.value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in not_keys \
                    and KEY.fullmatch(node.value) and node.value.split(".")[0] in namespaces \
                    and not _names_a_file_or_module(node.value):
                literals.add(node.value)
    return literals, called, prefixes


LITERALS, CALLED, PREFIXES = _scan()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_modules_that_register_words_are_found() -> None:
    assert "snapshots.words" in REGISTERING
    assert {f"dashboard.pages.{page}._words" for page in ("assessment", "feedback", "league", "programme", "wall")} \
        <= set(REGISTERING)
    assert any(key.startswith("mail.") for key in STRINGS)


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_every_language_with_the_same_placeholders(key: str) -> None:
    texts = STRINGS[key]
    assert len(texts) == len(LANGUAGES), key
    assert all(text.strip() for text in texts), key
    assert all(placeholders(text) == placeholders(texts[0]) for text in texts), key


def test_every_key_the_code_asks_for_exists() -> None:
    assert sorted((LITERALS | CALLED) - set(STRINGS)) == []


def test_every_key_built_from_a_value_exists_for_each_value() -> None:
    assert sorted(PREFIXES - set(FAMILIES)) == [], "a new family of keys: add it, with its values, to FAMILIES"
    built = {prefix + value for prefix in PREFIXES for value in FAMILIES[prefix]}
    assert sorted(built - set(STRINGS)) == []


def test_no_key_is_left_unused() -> None:
    built = {prefix + value for prefix in PREFIXES for value in FAMILIES[prefix]}
    assert sorted(set(STRINGS) - LITERALS - CALLED - built) == []


def test_no_english_sits_under_two_keys_unless_allowed() -> None:
    keys_of: dict[str, set[str]] = defaultdict(set)
    for key, texts in STRINGS.items():
        keys_of[texts[0]].add(key)
    twice = {english: keys for english, keys in keys_of.items() if len(keys) > 1}
    assert {e: sorted(k) for e, k in twice.items() if ALLOWED_DUPLICATES.get(e, (set(), ""))[0] != k} == {}
    assert sorted(set(ALLOWED_DUPLICATES) - set(twice)) == [], "an allowed duplicate is gone: drop it from the list"
    assert all(reason for _keys, reason in ALLOWED_DUPLICATES.values())


def test_t_fills_placeholders_and_falls_back_to_the_key() -> None:
    assert t("tile.target_by", "en", target="96.0%", date="30 Nov 2026") == "Target 96.0% by 30 Nov 2026"
    assert t("tile.target_by", "zh", target="96.0%", date="2026年11月30日") == "目标 96.0%（2026年11月30日前）"
    assert t("mail.subject.incomplete", "zh") == "【数据不完整】" and t("mail.subject.incomplete", "de") == "[Incomplete] "
    assert t("no.such.key", "zh") == "no.such.key"
    assert language("zh") == "zh" and language("de") == "en" and language(None, "zh") == "zh"
    assert LANGUAGES == ("en", "zh")
    assert pick(("Owner", "负责人"), "zh") == "负责人" and pick(("Owner", "负责人"), "fr") == "Owner"


def test_register_refuses_a_key_declared_twice_with_other_words() -> None:
    register({"tile.stale": STRINGS["tile.stale"]})  # the same words again: harmless
    with pytest.raises(ValueError, match="tile.stale"):
        register({"tile.stale": ("Old", "旧")})
    with pytest.raises(ValueError, match="one text per language"):
        register({"test.only_english": ("English",)})  # type: ignore[dict-item]
    assert "test.only_english" not in STRINGS


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


def test_unknown_values_show_as_their_id_made_humane() -> None:
    assert labels.value_label("department", "legal", "zh") == "Legal"
    assert labels.value_label("colour", "dark_blue", "en") == "Dark blue"
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
