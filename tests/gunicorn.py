"""Waiting for a gunicorn the test started: until it answers its login page, else the test fails with its log."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import requests


def wait_until_serving(base: str, log: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    """Return once `base`/login answers 200; kill the server and fail with the tail of its log after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(base + "/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    pytest.fail("gunicorn did not start: " + log.read_text()[-2000:])
