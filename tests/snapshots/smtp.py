"""Fixtures the snapshot tests share: a real SMTP server on 127.0.0.1 and configs that declare snapshots.

Other test_snapshot_* modules import from here (it holds no tests of its own).
"""
from __future__ import annotations

import email
import re
import socket
import textwrap
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller

import app
from config.settings import load_config
from tests.conftest import ROOT, TODAY


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class SmtpServer:
    """aiosmtpd on a fixed port of 127.0.0.1, started and stopped on demand (to play an outage)."""

    port: int
    received: list[Received] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


def write_config(folder: Path, demo_db: Path, smtp_port: int, snapshots: str, vantage: str = "") -> Path:
    """The demo's config over the demo database built once per test run, with SMTP on 127.0.0.1 and snapshots."""
    demo = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    demo = re.sub(r"(?ms)^\[(snapshots|alerts)\.[^\n]*\n.*?(?=^\[|\Z)", "", demo)  # the test declares its own
    demo = demo.replace("sqlite:///{data_dir}/demo.sqlite", f"sqlite:///{demo_db}")
    settings = (f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_port}\npublic_url = "https://vantage.example.com"\n'
                'smtp_sender = "vantage@example.com"\n' + textwrap.dedent(vantage))
    demo = demo.replace("[vantage]\n", "[vantage]\n" + settings, 1)
    path = folder / "vantage.toml"
    path.write_text(demo + "\n" + textwrap.dedent(snapshots), encoding="utf-8")
    return path


def wired(config_path: Path, data_dir: Path) -> app.Runtime:
    """A runtime for a config; its local copies, cache and outbox live in `data_dir`."""
    from metrics.semantics import registry

    registry.reset()
    config = load_config(str(config_path), {"data_dir": str(data_dir), "today": TODAY}, environ={})
    return app.wire(config)


def cli(config_path: Path, data_dir: Path, *args: str, today: str = TODAY) -> int:
    """Run the command line in this process (so the SMTP server of the test receives what it sends)."""
    from metrics.semantics import registry

    registry.reset()
    return app.main(["--config", str(config_path), "--data-dir", str(data_dir), "--today", today, *args])


def parts(message: EmailMessage) -> dict[str, Any]:
    """The text, the HTML, the inline pictures by Content-ID and the attachments of a received message."""
    found: dict[str, Any] = {"text": None, "html": None, "images": {}, "attachments": {}}
    for part in message.walk():
        kind = part.get_content_type()
        if part.get_content_disposition() == "attachment":
            found["attachments"][part.get_filename()] = part.get_content()
        elif kind == "text/plain":
            found["text"] = part.get_content()
        elif kind == "text/html":
            found["html"] = part.get_content()
        elif kind == "image/png":
            found["images"][str(part["Content-ID"]).strip("<>")] = part.get_payload(decode=True)
    return found
