"""The README works as written on a fresh install: every command of its `sh` blocks is either run, exactly as
written, against a fresh demo data folder (servers: started, asked for a page, stopped), or listed here with the
reason it is not; and the "Add your own data" example gives the numbers it says."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import run_cli
from tests.snapshots.smtp import SmtpServer, parts, smtp_server  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
OWN_DATA = README.split("## Add your own data\n", 1)[1].split("\n## ", 1)[0]
APP = ".venv/bin/python app.py"

# The commands shown that the tests do not run, and why. A new command must be run (it matches SAFE or is one of
# SERVERS) or be listed here.
NOT_RUN = {
    "bash scripts/run.sh": "sets up .venv (pip may download) and then serves the demo on port 8050 until stopped; "
                           "the test serves the demo with the command it ends in (app.py serve) on a free port",
    "bash scripts/test.sh": "runs every test, this one included, and may install Chromium and PostgreSQL with apt",
    f"{APP} snapshot send board_pack": "sends through the SMTP server at 127.0.0.1:25, a privileged port; the test "
                                       "below sends the same snapshot through a real SMTP server on a free port",
    f"{APP} alerts send": "emails what fired through the SMTP server at 127.0.0.1:25, a privileged port; "
                          "tests/snapshots/test_alerts.py sends alerts through a real SMTP server on a free port",
    f"{APP} scheduler": "runs the schedules until stopped; tests/snapshots/test_scheduler.py starts it, stops it "
                        "and checks what it sent",
}
# Servers: started on a free port (--port), asked for their first page until it answers 200, then stopped.
SERVERS = {f"{APP} --config path/to/plant/vantage.toml serve"}
# Commands that need no network, server or root: they read and write only the data folder (and path/to/).
SAFE = re.compile(rf"{re.escape(APP)} (--config path/to/\S+ )?(metrics|check|query|init|user|wall-token|audit|"
                  r"checkin|cache|maturity|league|snapshot history|snapshot send \w+ --dry-run|alerts test)( |$)")
PASSWORD = "a long passphrase for the readme\n"  # typed at the prompt, twice for `user add`


def block(language: str, index: int = 0, text: str = README) -> str:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)[index]


def command(containing: str) -> str:
    """The one `sh` command of "Add your own data" that contains these words."""
    found = [c.strip() for c in re.findall(r"```sh\n(.*?)```", OWN_DATA, re.DOTALL) if containing in c]
    assert len(found) == 1, found
    return found[0]


def run(line: str, folder: Path) -> subprocess.CompletedProcess:
    """A README command line as written, its example paths put in `folder`, run from the repository's folder."""
    assert line.startswith(".venv/bin/python app.py ")
    args = line.replace("path/to/", f"{folder}/").split()[2:]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=environ, check=False)


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
    commands = re.findall(r"```sh\n(.*?)```", head, re.DOTALL)
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


def shown_commands() -> list[str]:
    """Every command of every `sh` block, in the README's order, without its trailing comment."""
    lines = [line for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL) for line in block.splitlines()]
    assert not [line for line in lines if line.rstrip().endswith("\\")], "a command continues on the next line"
    return [re.sub(r"\s+#.*$", "", line).strip() for line in lines if line.strip() and not line.startswith("#")]


def test_every_readme_command_is_run_or_said_why_not() -> None:
    shown = shown_commands()
    assert len(shown) > 20
    unclassified = [c for c in shown if c not in NOT_RUN and c not in SERVERS and not SAFE.match(c)]
    assert unclassified == [], "classify each in tests/test_readme.py: SAFE, SERVERS or NOT_RUN with its reason"
    assert (set(NOT_RUN) | SERVERS) - set(shown) == set(), "a command listed here is no longer in the README"
    assert all(len(reason) > 40 for reason in NOT_RUN.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_environ(home: Path) -> dict[str, str]:
    """The environment of a fresh install: no VANTAGE_* settings, and a home of its own, so that the default data
    folder (~/.local/share/vantage) is a new one, not the developer's."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_") and k != "XDG_DATA_HOME"}
    return {**environ, "HOME": str(home)}


def served(command: str, environ: dict[str, str], log: Path) -> str:
    """Start a server command on a free port, wait for its first page to answer 200, stop it; '' or what failed."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(["bash", "-c", f"exec {command} --port {port}"], cwd=ROOT, env=environ,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if server.poll() is not None:
                return f"exited {server.returncode}: {log.read_text()[-2000:]}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
                    return "" if answer.status == 200 else f"answered {answer.status}"
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        return f"no answer on port {port} in 180 s: {log.read_text()[-2000:]}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_every_safe_readme_command_runs_as_written(tmp_path: Path) -> None:
    """In the README's order, against a fresh demo data folder: first the demo served as scripts/run.sh serves it
    (which builds the demo database), then every command that is not NOT_RUN, each exiting 0. Example paths
    (path/to/) are a folder of the test's, holding the example's scrap.csv; after `init` the example's edit is made,
    as its step 2 says."""
    environ, folder = fresh_environ(tmp_path / "home"), tmp_path / "own"
    folder.mkdir()
    (folder / "scrap.csv").write_text(block("csv", text=OWN_DATA))
    failed = []
    problem = served(APP, environ, tmp_path / "demo-serve.log")
    if problem:
        failed.append(f"{APP} serve (as scripts/run.sh): {problem}")
    ran = 0
    for n, command in enumerate(shown_commands()):
        if command in NOT_RUN:
            continue
        written = command.replace("path/to/", f"{folder}/")
        if command in SERVERS:
            problem = served(written, environ, tmp_path / f"serve-{n}.log")
            if problem:
                failed.append(f"{command}: {problem}")
            ran += 1
            continue
        done = subprocess.run(["bash", "-c", written], cwd=ROOT, env=environ, input=PASSWORD * 2,
                              capture_output=True, text=True, timeout=600, start_new_session=True, check=False)
        ran += 1
        if done.returncode != 0:
            failed.append(f"{command}: exit {done.returncode}: {done.stderr.strip()[-1500:]}")
        elif " init --from " in command:
            module = folder / "plant" / "metrics_scrap.py"
            module.write_text(module.read_text() + block("python", text=OWN_DATA))
    assert failed == [], "\n".join(failed)
    assert ran >= 20
    # The data folder used is the fresh one, with the demo built in it.
    assert (tmp_path / "home" / ".local" / "share" / "vantage" / "demo.sqlite").is_file()


def test_the_demos_board_pack_reaches_a_listening_smtp_server(tmp_path: Path, data_dir: Path,
                                                              smtp_server: SmtpServer) -> None:  # noqa: F811
    """The snapshot the demo declares, sent by `snapshot send board_pack` to an SMTP server that listens (here on a
    free port, the README's command sends to 127.0.0.1:25): each recipient gets it in their language, with every KPI
    it lists, one or more from each of the programme's modules."""
    demo = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    demo = demo.replace("sqlite:///{data_dir}/demo.sqlite", f"sqlite:///{data_dir / 'demo.sqlite'}")
    config = tmp_path / "vantage.toml"
    config.write_text(demo.replace("[vantage]\n", f"[vantage]\nsmtp_port = {smtp_server.port}\n", 1), encoding="utf-8")
    done = run_cli("--config", str(config), "snapshot", "send", "board_pack", data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    got = {tuple(r.rcpt_tos): r.message for r in smtp_server.received}
    assert set(got) == {("ceo@example.com",), ("cfo@example.com",)}
    assert "月度董事会简报" in got[("ceo@example.com",)]["Subject"]
    assert "Monthly board pack" in got[("cfo@example.com",)]["Subject"]
    listed = tomllib.loads(demo)["snapshots"]["board_pack"]["metrics"]
    catalogue = json.loads(run_cli("--config", str(config), "metrics", "--format", "json",
                                   data_dir=tmp_path / "data").stdout)
    pillars = {m["pillar"] for m in catalogue if m["metric"] in listed}
    assert {"data_quality", "process", "integration", "compliance", "people"} <= pillars
    text = parts(got[("cfo@example.com",)])["text"]
    assert [m["title"] for m in catalogue if m["metric"] in listed and m["title"] not in text] == []
