"""`python app.py checkin add|list` as a user runs it: an owner and an administrator write, a department lead is
refused (exit 2, one line, a `denied` row), every check-in written is an audit row, and the list reads back."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from access.audit import AuditTrail
from access.users import UserStore
from tests.conftest import ROOT, run_cli

NOTE = "SAP cut-over delayed data loads"


@pytest.fixture(scope="module")
def folder(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder over a copy of the session's demo, with pat named an owner of data accuracy's owner title (and
    lee too, who is a department lead all the same), and a config saying so."""
    work = tmp_path_factory.mktemp("checkin-cli")
    shutil.copy(data_dir / "demo.sqlite", work / "demo.sqlite")
    demo = (ROOT / "config" / "demo.toml").read_text()
    assert demo.rstrip().endswith("[owners]")  # the demo's owners are the last section: the test names its own
    (work / "vantage.toml").write_text(demo + '"Head of Data Governance" = ["pat", "lee"]\n')
    users = UserStore.in_folder(work)
    for name, role, department in (("pat", "pmo", None), ("ada", "admin", None), ("lee", "department_lead", "finance"),
                                   ("erin", "executive", None)):
        users.add(name, "a long enough password", role, department)
    return work


def checkin(folder: Path, *args: str):  # noqa: ANN201 - subprocess.CompletedProcess
    return run_cli("--config", str(folder / "vantage.toml"), "checkin", *args, data_dir=folder)


def test_an_owner_and_an_admin_write_and_the_list_reads_them_back(folder: Path) -> None:
    done = checkin(folder, "add", "data_accuracy", "--period", "2026-10", "--status", "at_risk", "--note", NOTE,
                   "--as", "pat")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"checked in data_accuracy for 2026-10: at risk: {NOTE} (pat, ")
    done = checkin(folder, "add", "hours_saved", "--period", "2026-10", "--note", "robots live in AP", "--as", "ada")
    assert done.returncode == 0, done.stderr
    listed = json.loads(checkin(folder, "list", "--format", "json").stdout)
    mine = [(r["metric"], r["period"], r["status"], r["note"], r["author"]) for r in listed]
    assert mine[:2] == [("hours_saved", "2026-10", "empty", "robots live in AP", "ada"),
                        ("data_accuracy", "2026-10", "at_risk", NOTE, "pat")]
    only = checkin(folder, "list", "--metric", "data_accuracy", "--format", "csv").stdout.splitlines()
    assert only[0] == "metric,period,status,note,author,written_at"
    assert all(line.startswith("data_accuracy,") for line in only[1:]) and len(only) >= 2
    table = checkin(folder, "list").stdout.splitlines()
    assert table[0].split() == ["metric", "period", "status", "note", "author", "written_at"]
    rows = [r for r in AuditTrail.in_folder(folder).entries() if r["action"] == "checkin"]
    assert [(r["user"], r["what"], json.loads(r["filters"])) for r in rows][-2:] == [
        ("pat", "data_accuracy", {"period": "2026-10", "status": "at_risk"}),
        ("ada", "hours_saved", {"period": "2026-10", "status": "empty"})]


@pytest.mark.parametrize(("user", "why"), [
    ("lee", "a department lead writes no check-ins"),
    ("erin", "erin is not named an owner of 'Head of Data Governance'")])
def test_a_department_lead_and_a_reader_are_refused_and_it_is_recorded(folder: Path, user: str, why: str) -> None:
    before = len(json.loads(checkin(folder, "list", "--format", "json").stdout))
    done = checkin(folder, "add", "data_accuracy", "--period", "2026-10", "--status", "on_track", "--note", "all fine",
                   "--as", user)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {user} may not write check-ins of "
                                                                    f"data_accuracy: {why}")
    assert len(json.loads(checkin(folder, "list", "--format", "json").stdout)) == before
    denied = AuditTrail.in_folder(folder).entries(user=user)[-1]
    assert (denied["action"], denied["what"], json.loads(denied["filters"])) == (
        "denied", "data_accuracy", {"period": "2026-10", "status": "on_track"})
    assert why in denied["reason"]


@pytest.mark.parametrize(("args", "says"), [
    (("add", "data_accurcy", "--period", "2026-10", "--note", "x", "--as", "pat"), "unknown metric 'data_accurcy'"),
    (("add", "data_accuracy", "--period", "10/2026", "--note", "x", "--as", "pat"), "bad period '10/2026'"),
    (("add", "data_accuracy", "--period", "2026-10", "--note", " ", "--as", "pat"), "the note is empty"),
    (("add", "data_accuracy", "--period", "2026-10", "--note", "x", "--as", "nobody"), "no active user 'nobody'"),
])
def test_bad_input_is_one_line_and_exit_2(folder: Path, args: tuple[str, ...], says: str) -> None:
    done = checkin(folder, *args)
    assert done.returncode == 2 and done.stderr.startswith(f"error: {says}") and "Traceback" not in done.stderr
