"""dashboard/filters.py: the department filter offers the values the data holds, named by the config's [labels],
sorted by name; no filter when no listed metric is broken down by the scope dimension; and no demo value is
written anywhere in the dashboard's or the access code."""
from __future__ import annotations

import ast
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest

import app
from config.settings import DEMO_CONFIG
from dashboard.app import create_app
from dashboard.filters import ALL_DEPARTMENTS, FilterIds, filter_bar
from dashboard.state import ViewState
from tests.conftest import ROOT
from tests.dashboard.secured import call
from tests.metrics.engine.test_values import DEPARTMENTS, REGIONS, own_data_runtime

DEMO_LABELS: dict[str, dict[str, Any]] = {
    k: v for k, v in tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))["labels"].items() if isinstance(v, dict)}


def filled(rt: app.Runtime, lang: str = "en", chosen: str = "") -> tuple[list[dict[str, str]], bool]:
    """The overview's department options and whether the field is hidden, as its callback fills them in."""
    body = {"output": "..overview-department.options...overview-department-field.hidden..",
            "outputs": [{"id": "overview-department", "property": "options"},
                        {"id": "overview-department-field", "property": "hidden"}],
            "inputs": [{"id": "overview-view", "property": "data", "value": {"language": lang, "department": chosen}}],
            "changedPropIds": ["overview-view.data"], "state": []}
    answer = call(create_app(rt.engine, rt.config).server.test_client(), body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    found = answer.get_json()["response"]
    return found["overview-department"]["options"], found["overview-department-field"]["hidden"]


def options(rt: app.Runtime, lang: str = "en", chosen: str = "") -> list[dict[str, str]]:
    found, hidden = filled(rt, lang, chosen)
    assert hidden == (not found)
    return found


def department_field(rt: app.Runtime) -> Any:
    with create_app(rt.engine, rt.config).server.test_request_context("/"):
        bar = filter_bar(FilterIds("test"), ViewState(), "en", date(2026, 11, 27))
    return next(div for div in bar.children if any(getattr(c, "id", None) == "test-department" for c in div.children))


def test_the_options_are_the_datas_departments_and_no_demo_one(tmp_path: Path) -> None:
    rt = own_data_runtime(tmp_path)
    found = options(rt)
    assert found[0] == {"label": "All departments", "value": ALL_DEPARTMENTS}
    assert [o["value"] for o in found[1:]] == ["customer_care", "legal", "marketing", "plant_7"]
    assert {o["value"] for o in found[1:]} == set(DEPARTMENTS)
    assert [o["label"] for o in found[1:]] == ["Customer care", "Legal", "Marketing", "Plant 7"]  # no names declared
    demo = set(DEMO_LABELS["department"]) | {name for pair in DEMO_LABELS["department"].values() for name in pair}
    assert not demo & {text for o in found for text in o.values()}
    field = department_field(rt)  # as the layout draws it: no data read yet
    assert not field.hidden and field.children[1].options == [{"label": "All departments", "value": ALL_DEPARTMENTS}]


def test_declared_names_label_the_options_and_order_them(tmp_path: Path) -> None:
    rt = own_data_runtime(tmp_path, extra='[labels.department]\nplant_7 = ["Assembly plant", "装配厂"]\n'
                                          'legal = ["Zoning & legal", "法务部"]\n')
    assert [(o["label"], o["value"]) for o in options(rt)[1:]] == [
        ("Assembly plant", "plant_7"), ("Customer care", "customer_care"), ("Marketing", "marketing"),
        ("Zoning & legal", "legal")]
    zh = {o["value"]: o["label"] for o in options(rt, "zh")}
    assert (zh[ALL_DEPARTMENTS], zh["plant_7"], zh["legal"]) == ("全部部门", "装配厂", "法务部")
    assert zh["marketing"] == "Marketing"  # no Chinese name declared: the id made humane


def test_a_department_in_the_address_stays_a_choice(tmp_path: Path) -> None:
    rt = own_data_runtime(tmp_path)
    assert {"label": "Finance", "value": "finance"} in options(rt, chosen="finance")
    assert "finance" not in {o["value"] for o in options(rt)}


def test_no_department_filter_when_no_listed_metric_has_the_dimension(tmp_path: Path) -> None:
    rt = own_data_runtime(tmp_path, dimensions=("region",))
    assert filled(rt) == ([], True)
    assert department_field(rt).hidden  # in the page (its callbacks read it) but not shown, from the start


def test_the_options_are_the_configured_scope_dimensions_values(tmp_path: Path) -> None:
    rt = own_data_runtime(tmp_path, extra='scope_dimension = "region"')
    assert [o["value"] for o in options(rt)] == [ALL_DEPARTMENTS, *REGIONS]


def test_the_demo_offers_its_eight_departments_by_name(runtime: app.Runtime) -> None:
    found = options(runtime)[1:]
    names = {ident: pair[0] for ident, pair in DEMO_LABELS["department"].items()}
    assert [o["label"] for o in found] == sorted(names.values())
    assert {o["value"]: o["label"] for o in found} == names


# -- no demo value in the code ----------------------------------------------------------------------------------
def sources(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def texts_in(path: Path) -> Iterator[tuple[int, str]]:
    """Every string written in a module (docstrings and comments' neighbours included), with its line."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


# Ids that are also ordinary words ("it", "sales", "high", ...) are looked for as a whole text only (a quoted
# value, as code would name one); the others also inside any text (an address, a message, a docstring).
WORDS = {"it", "hr", "sales", "finance", "production", "procurement", "material", "customer", "supplier", "high",
         "medium", "low", "automated", "manual", "incident", "rework"}


def named_values(path: Path, ids: set[str]) -> list[str]:
    """Where a module writes one of these ids: 'file:line: text'."""
    found = []
    for line, text in texts_in(path):
        inside = [i for i in ids - WORDS if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
        if text.strip() in ids or inside:
            found.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{line}: {text[:60]!r}")
    return sorted(found)


@pytest.mark.parametrize("dimension", ["department", "system", "domain", "process", "mode", "category", "error_type",
                                       "role", "severity"])
def test_no_demo_value_is_named_in_the_dashboard_or_the_access_code(dimension: str) -> None:
    ids = set(DEMO_LABELS[dimension])
    assert ids, f"the demo config names no {dimension}"
    assert [hit for path in sources("dashboard", "access") for hit in named_values(path, ids)] == []


def test_the_search_finds_a_demo_value_where_one_is_written(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text('CHOICES = ["supply_chain"]\nFIXED = "finance"\nURL = "/?dept=rnd_lab"\n'
                       'NOTE = "a finance lead"\n')
    assert named_values(planted, set(DEMO_LABELS["department"])) == [
        "planted.py:1: 'supply_chain'", "planted.py:2: 'finance'", "planted.py:3: '/?dept=rnd_lab'"]
