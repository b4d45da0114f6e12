"""The README's "Add your own data" example works exactly as written: init on its CSV, the edit, check and query."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
OWN_DATA = README.split("## Add your own data\n", 1)[1].split("\n## ", 1)[0]


def block(language: str, index: int = 0, text: str = README) -> str:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)[index]


def command(containing: str) -> str:
    """The one `sh` command of "Add your own data" that contains these words."""
    found = [c.strip() for c in re.findall(r"```sh\n(.*?)```", OWN_DATA, re.S) if containing in c]
    assert len(found) == 1, found
    return found[0]


def run(line: str, folder: Path) -> subprocess.CompletedProcess:
    """A README command line as written, its example paths put in `folder`, run from the repository's folder."""
    assert line.startswith(".venv/bin/python app.py ")
    args = line.replace("path/to/", f"{folder}/").split()[2:]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=environ)


def init_and_edit(folder: Path, edit: str) -> Path:
    """The example's first two steps: scrap.csv in a folder, init on it, the metric added at the end of the module."""
    (folder / "scrap.csv").write_text(block("csv", text=OWN_DATA))
    done = run(command(" init --from "), folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "catalogue ok" in done.stdout and "login is off" in done.stdout
    module = folder / "plant" / "metrics_scrap.py"
    module.write_text(module.read_text() + edit)
    return module


def test_readme_starts_with_purpose_then_exactly_two_commands() -> None:
    head = README.split("## ")[0]
    commands = re.findall(r"```sh\n(.*?)```", head, re.S)
    assert [c.strip() for c in commands] == ["bash scripts/run.sh", "bash scripts/test.sh"]
    assert (ROOT / "scripts" / "run.sh").is_file() and (ROOT / "scripts" / "test.sh").is_file()


def test_own_data_example_as_written(tmp_path: Path) -> None:
    init_and_edit(tmp_path, block("python", text=OWN_DATA))
    check = run(command(" check"), tmp_path)
    assert check.returncode == 0, check.stderr
    assert "3 metrics, 1 sources: catalogue ok" in check.stdout  # completeness, records, scrap_rate
    out = run(command(" query scrap_rate "), tmp_path)
    assert out.returncode == 0, out.stderr
    lines = [line.split() for line in out.stdout.splitlines()[2:]]
    # Independently: January's scrap over output per line, worst first.
    b, a = (30 + 22) / (380 + 395), (12 + 9) / (400 + 410)
    assert lines == [["B", f"{b:.1%}", "2"], ["A", f"{a:.1%}", "2"]]
    assert f"line B at {b:.1%} and line A at {a:.1%}" in " ".join(OWN_DATA.split())


def test_own_data_check_reports_a_misspelt_column(tmp_path: Path) -> None:
    init_and_edit(tmp_path, block("python", text=OWN_DATA).replace('"output_kg").sum()', '"output").sum()'))
    out = run(command(" check"), tmp_path)
    assert out.returncode == 2
    assert "scrap_rate (metrics_scrap): column 'output' does not exist in scrap.scrap" in out.stderr
    assert "Traceback" not in out.stderr


def test_own_data_says_what_a_login_and_a_target_mean() -> None:
    words = " ".join(OWN_DATA.split())
    assert "`login_required` defaults to true" in words and "user add alice --role executive" in words
    assert "**`target` is required**" in words
