"""Local faults: the data files are their owner's only, and a full data folder (a 64 MB tmpfs, filled) costs no 500:
the login page answers, views are refused with 503 (never shown unaudited), the log names the folder, and when space
returns the next request works again. When the disk fills while the audit trail still has room in its files (SQLite
reuses its pages) but a changed source's local copy cannot be written, the tiles show the last good numbers marked
stale, never an internal error, and catch up by themselves once space returns.

Mounting the tmpfs needs root (CI runs as root); where mounting is refused, the tests fail and say so, as a skipped
test would hide that they did not run."""
from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import stat
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from connectors import mirror
from tests.dashboard.secured import call, overview_call, props_of, secured_app, sign_in
from tests.dashboard.test_audit_trail import rows
from tests.dashboard.test_guard import shown, summary_request


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_data_files_are_created_0600_in_folders_0700(data_dir: Path, tmp_path: Path) -> None:
    work = tmp_path / "srv" / "vantage"
    work.mkdir(parents=True)  # secured_app copies the demo in first; everything else is created by Vantage
    os.chmod(work, 0o700)
    dash_app, _ = secured_app(work, data_dir)
    client = dash_app.server.test_client()
    sign_in(client, "erin")
    assert call(client, summary_request()).status_code == 200
    for name in ("users.sqlite", "audit.sqlite", "sessions.sqlite", "baselines.sqlite", "secret.key"):
        found = [p for p in work.iterdir() if p.name == name]
        assert found and mode(found[0]) == 0o600, name
    for extra in work.glob("*.sqlite-*"):  # SQLite's -wal and -shm files take their database's mode
        assert mode(extra) == 0o600, extra.name
    assert mode(work / "cache") == 0o700
    fresh = tmp_path / "new" / "data"
    from core.store import private_folder

    private_folder(fresh)
    assert mode(fresh) == 0o700 and mode(fresh.parent) == 0o700


@pytest.fixture
def small_folder(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs as the data folder (mounting needs root, or CAP_SYS_ADMIN in a container)."""
    folder = tmp_path / "data"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.fail(f"a full data folder is tested on a 64 MB tmpfs of its own, and mounting one at {folder} was "
                    f"refused ({mounted.stderr.strip() or 'exit code ' + str(mounted.returncode)}). To fix this, run "
                    "these tests as root (CI does), or give the container CAP_SYS_ADMIN (docker run --cap-add "
                    "SYS_ADMIN)", pytrace=False)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Write a file until the folder has no space left; the file's path (delete it to give the space back)."""
    filler = folder / "filler.bin"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 2**16)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_a_full_data_folder_refuses_views_and_recovers_by_itself(data_dir: Path, small_folder: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    dash_app, rt = secured_app(small_folder, data_dir)
    server = dash_app.server
    erin = server.test_client()
    sign_in(erin, "erin")
    number = shown(rt, None)
    assert number in call(erin, summary_request()).get_data(as_text=True)
    assert call(erin, overview_call()).status_code == 200
    with sqlite3.connect(small_folder / "audit.sqlite") as con:  # as after a checkpoint: the next row needs new space
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = fill(small_folder)
    caplog.set_level(logging.ERROR)
    assert server.test_client().get("/login").status_code == 200  # a stranger's login page
    assert erin.get("/login").status_code == 200  # and a signed-in browser's (its session is read, not written)
    for body in (summary_request(), overview_call()):
        answer = call(erin, body)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 503 and json.loads(text) == {"error": "cannot record access: not shown"}
        assert number not in text
    assert f"the folder {small_folder} is full" in caplog.text  # the log says which folder
    stranger = server.test_client()
    answer = sign_in(stranger, "ada")  # a login needs a session written: refused plainly, not a 500
    assert answer.status_code == 503 and "try again" in answer.get_data(as_text=True)
    shown_before = len(rows(small_folder, "erin"))
    filler.unlink()  # space returns: no restart, the next view is shown and recorded
    again = call(erin, summary_request())
    assert again.status_code == 200 and number in again.get_data(as_text=True)
    assert len(rows(small_folder, "erin")) > shown_before and rows(small_folder, "erin")[-1]["action"] == "view"
    assert sign_in(stranger, "ada").status_code == 302


def kpi_values(body: str) -> list[str]:
    """The text of every tile's value (number and unit) in a callback's answer, in order."""
    return [json.dumps(props.get("children"), ensure_ascii=False) for props in props_of(body, "kpi-value")]


def test_a_full_disk_serves_the_last_good_tiles_marked_stale_and_catches_up(
        data_dir: Path, small_folder: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mirror, "RETRY_SECONDS", 1.0)  # a copy that failed is tried again a second later
    dash_app, rt = secured_app(small_folder, data_dir, ttl_seconds=0.2)
    erin = dash_app.server.test_client()
    sign_in(erin, "erin")
    number = shown(rt, None)
    before = [call(erin, body) for body in (summary_request(), overview_call()) for _ in range(3)]
    assert {a.status_code for a in before} == {200} and number in before[0].get_data(as_text=True)
    tiles = kpi_values(before[-1].get_data(as_text=True))
    assert len(tiles) >= 20 and "stale-badge" not in before[-1].get_data(as_text=True)
    with sqlite3.connect(small_folder / "demo.sqlite") as con:  # the source changes: a third of the codes go wrong
        con.execute("UPDATE master_records SET code = 'wrong' WHERE rowid % 3 = 0")
    for store in small_folder.glob("*.sqlite"):  # as after a checkpoint that keeps the files: writes reuse their pages
        with sqlite3.connect(store) as con:
            con.execute("PRAGMA wal_checkpoint(RESTART)")
    filler = fill(small_folder)
    time.sleep(0.5)  # past the sources' TTL (0.2 s): the next view asks the source for its version again
    caplog.set_level(logging.INFO)
    for _ in range(2):
        answer, summary = call(erin, overview_call()), call(erin, summary_request())
        text, summary_text = answer.get_data(as_text=True), summary.get_data(as_text=True)
        assert answer.status_code == 200 and summary.status_code == 200
        assert kpi_values(text) == tiles and number in summary_text  # the numbers before the change, at once
        for shown_text in (text, summary_text):
            assert "stale-badge" in shown_text and "Source unavailable" in shown_text
            assert "internal error" not in shown_text and str(small_folder) not in shown_text
    full = [r.getMessage() for r in caplog.records
            if r.name == "vantage.connectors" and "copy of table master_records cannot" in r.getMessage()]
    assert len(full) == 1  # once, however many views meet it; and it says which folder
    assert f"the folder {small_folder / 'mirror' / 'demo' / 'master_records'} is full" in full[0]
    filler.unlink()  # space returns: the copy catches up by itself, and the tiles show the changed source
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        again = call(erin, summary_request()).get_data(as_text=True)
        if "stale-badge" not in again:
            break
        time.sleep(0.5)
    changed = shown(rt, None)
    assert "stale-badge" not in again and changed != number and changed in again
    assert "is written again" in caplog.text
