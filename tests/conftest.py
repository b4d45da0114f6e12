"""Shared fixtures: one demo database per test session, built by code from a fixed seed and date."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from config.settings import Config, load_config
from core import labels
from metrics.semantics import registry

pytest_plugins = ["tests.postgres_server"]

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-27"
DEMO_RECORDS = 20_000
DEMO_LABELS = load_config(None, environ={}).labels
# Browser tests take screenshots as they go; scripts/screenshots.sh points them at docs/ (VANTAGE_DOCS=docs).
DOCS = Path(os.environ["VANTAGE_DOCS"]).resolve() if os.environ.get("VANTAGE_DOCS") else (
    Path(tempfile.gettempdir()) / "vantage-test-docs")


@pytest.fixture(autouse=True)
def fresh_catalogue() -> Iterator[None]:
    """Every test starts from an empty metric catalogue, as Dash's tests reset page_registry."""
    registry.reset()
    yield
    registry.reset()


@pytest.fixture(autouse=True)
def demo_labels() -> None:
    """Every test starts with the demo config's names for the data's values (as the wiring installs them); a test
    that wires another config has that config's names until the next test."""
    labels.install(DEMO_LABELS)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo database (built once per session)."""
    folder = tmp_path_factory.mktemp("vantage-data")
    from datetime import date

    from demo import build_demo

    build_demo(folder / "demo.sqlite", records=DEMO_RECORDS, end=date.fromisoformat(TODAY))
    return folder


@pytest.fixture
def demo_config(data_dir: Path) -> Config:
    return load_config(None, {"data_dir": str(data_dir), "today": TODAY, "demo_records": DEMO_RECORDS}, environ={})


@pytest.fixture
def runtime(demo_config: Config):  # noqa: ANN201 - app.Runtime
    import app

    return app.wire(demo_config)


def run_cli(*args: str, data_dir: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python app.py` as a user would, against the session's demo data."""
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    environ.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "app.py"), "--data-dir", str(data_dir), "--today", TODAY, *args],
                          capture_output=True, text=True, cwd=ROOT, env=environ, timeout=300)
