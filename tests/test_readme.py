"""The README's add-a-source-and-metric example works exactly as written."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def block(language: str, index: int = 0) -> str:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)[index]


def test_readme_starts_with_purpose_then_exactly_two_commands() -> None:
    head = README.split("## ")[0]
    commands = re.findall(r"```sh\n(.*?)```", head, re.S)
    assert [c.strip() for c in commands] == ["bash scripts/run.sh", "bash scripts/test.sh"]
    assert (ROOT / "scripts" / "run.sh").is_file() and (ROOT / "scripts" / "test.sh").is_file()


def test_csv_example_as_written(tmp_path: Path) -> None:
    (tmp_path / "scrap.csv").write_text(block("csv"))
    (tmp_path / "plant.toml").write_text(block("toml"))
    (tmp_path / "plant_metrics.py").write_text(block("python"))
    command = block("sh", 2).strip().replace("path/to/plant.toml", str(tmp_path / "plant.toml"))
    assert command.startswith(".venv/bin/python app.py")
    args = command.split()[2:]
    out = subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = [line.split() for line in out.stdout.splitlines()[2:]]
    # Independently: January's scrap over output per line, worst first.
    b, a = (30 + 22) / (380 + 395), (12 + 9) / (400 + 410)
    assert lines == [["B", f"{b:.1%}", "2"], ["A", f"{a:.1%}", "2"]]
    assert f"line B at {b:.1%} and line A at {a:.1%}" in " ".join(README.split())


def test_csv_example_check_reports_a_misspelt_column(tmp_path: Path) -> None:
    (tmp_path / "scrap.csv").write_text(block("csv"))
    (tmp_path / "plant.toml").write_text(block("toml"))
    (tmp_path / "plant_metrics.py").write_text(block("python").replace('"output_kg").sum()', '"output").sum()'))
    out = subprocess.run([sys.executable, "app.py", "--config", str(tmp_path / "plant.toml"), "check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "scrap_rate (plant_metrics): column 'output' does not exist in plant.scrap" in out.stderr
    assert "Traceback" not in out.stderr
