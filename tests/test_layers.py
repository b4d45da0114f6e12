"""The layer rule (README, "Architecture"): a package imports only packages to its left, read from the imports with
`ast`; and no page imports another page's private modules."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Left to right: each may import the ones before it. The last three are peers and import none of each other,
# except that snapshots draws with the dashboard's pure figure, theme and address helpers.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",), ("config",), ("connectors",), ("demo",), ("metrics.semantics",), ("metrics.engine",), ("metrics.pack",),
    ("programme",), ("access",), ("snapshots", "cli", "dashboard"), ("workers",),
)
PEER_EXCEPTIONS = {"snapshots": ("dashboard.figures", "dashboard.theme", "dashboard.state")}
PACKAGES = tuple(p for layer in LAYERS for p in layer)


def layer_of(module: str) -> tuple[int, str] | None:
    """(position, package) of a project module; None for the standard library and third parties."""
    for n, layer in enumerate(LAYERS):
        for package in layer:
            if module == package or module.startswith(package + "."):
                return n, package
    if module == "metrics":
        return 4, "metrics.semantics"
    return None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every absolute import, the names imported from a package included (they may be modules)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def page_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 3 and parts[:2] == ["dashboard", "pages"] else None


def violations(root: Path) -> list[str]:
    """Every import that breaks the layer rule or reaches into another page's private modules, as 'file:line: why'."""
    problems = []
    for package in {p.split(".")[0] for p in PACKAGES}:
        for path in sorted((root / package).rglob("*.py")):
            me = module_name(path, root)
            mine = layer_of(me)
            if mine is None:
                continue
            for line, target in imported(ast.parse(path.read_text(encoding="utf-8"))):
                theirs = layer_of(target)
                where = f"{path.relative_to(root)}:{line}"
                if theirs is None or theirs[1] == mine[1]:
                    pass
                elif theirs[0] > mine[0] or (theirs[0] == mine[0] and not any(
                        target == ok or target.startswith(ok + ".") for ok in PEER_EXCEPTIONS.get(mine[1], ()))):
                    problems.append(f"{where}: {mine[1]} may not import {target} ({theirs[1]} is not to its left)")
                last = target.split(".")[-1]
                if page_of(target) and page_of(target) != page_of(me) and last.startswith("_"):
                    problems.append(f"{where}: {target} is private to the {page_of(target)} page")
    return problems


def test_the_tree_keeps_the_layer_rule() -> None:
    assert violations(ROOT) == []


def test_every_package_says_what_it_owns_and_may_import() -> None:
    for package in PACKAGES:
        init = ROOT.joinpath(*package.split(".")) / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{init.relative_to(ROOT)} needs a docstring: what it owns, what it may import"


@pytest.mark.parametrize(("module", "source", "why"), [
    ("metrics/engine/bad.py", "from dashboard.figures import trend_figure\n", "metrics.engine may not import"),
    ("core/bad.py", "import config.settings\n", "core may not import config.settings"),
    ("cli/bad.py", "from snapshots.outbox import Outbox\n", "cli may not import snapshots.outbox"),
    ("snapshots/bad.py", "from dashboard.pages.metric import _views\n", "snapshots may not import dashboard.pages"),
    ("dashboard/pages/wall/_bad.py", "from dashboard.pages.metric._parts import csv_text\n", "private to the metric"),
])
def test_a_forbidden_import_is_reported(tmp_path: Path, module: str, source: str, why: str) -> None:
    """The rule is real: the same checker finds a forbidden import added to a copy of the tree."""
    for package in {p.split(".")[0] for p in PACKAGES}:
        for path in (ROOT / package).rglob("*.py"):
            copy = tmp_path / path.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert violations(tmp_path) == []
    (tmp_path / module).write_text(source, encoding="utf-8")
    found = violations(tmp_path)
    assert len(found) >= 1 and why in found[0] and module in found[0], found


def test_no_module_outside_tests_is_over_350_lines_and_app_py_at_most_150() -> None:
    long = [f"{p.relative_to(ROOT)}: {n}" for package in {p.split('.')[0] for p in PACKAGES}
            for p in (ROOT / package).rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 350]
    assert long == []
    assert len((ROOT / "app.py").read_text(encoding="utf-8").splitlines()) <= 150
