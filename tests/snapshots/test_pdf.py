"""The PDF board pack: A4 pages printed by Chromium from the email's own HTML, whose text holds every KPI's value as
the command line prints it, in both languages; attached to the email that arrives; a failed print is said, not sent."""
from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest

from metrics.semantics import registry
from metrics.semantics.model import listed
from tests.snapshots.smtp import SmtpServer, cli, free_port, parts, smtp_server, wired, write_config  # noqa: F401

A4 = (595.0, 842.0)  # points
PACK = """
[snapshots.board_pack]
title = {en = "Monthly board pack", zh = "月度董事会简报"}
schedule = "0 7 1 * *"
timezone = "Asia/Shanghai"
recipients = [{email = "ceo@example.com", language = "en"}, {email = "cfo@example.com", language = "zh-CN"}]
charts = [{metric = "data_accuracy"}, {metric = "error_rate", department = "finance"}]
programme_status = true
formats = ["html", "text", "csv", "pdf"]
"""


def squeezed(text: str) -> str:
    """Text without any white space (a PDF's text layer breaks and spaces lines as its layout placed them), in its
    compatibility form (a ligature "ﬁ" reads "fi")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def printed_value(capsys: pytest.CaptureFixture[str], config: Path, data: Path, lang: str, key: str) -> str:
    """The value `python app.py --language LANG query KEY` prints (its table's value column)."""
    assert cli(config, data, "--language", lang, "query", key) == 0
    header, _, row = capsys.readouterr().out.splitlines()[:3]
    return re.split(r"\s{2,}", row[header.index("value"):])[0]


def pdf_text(data: bytes) -> tuple[str, list[tuple[float, float]]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    return "\n".join(p.extract_text() for p in reader.pages), sizes


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> tuple[Path, Path]:
    """The board pack previewed with --dry-run: its config and the folder it wrote."""
    folder = tmp_path_factory.mktemp("pdf-pack")
    config = write_config(folder, data_dir / "demo.sqlite", free_port(), PACK)
    out = folder / "out"
    try:
        assert cli(config, folder / "data", "snapshot", "send", "board_pack", "--dry-run", "--out", str(out)) == 0
    finally:
        registry.reset()
    return config, out


@pytest.mark.parametrize("lang, name", [("en", "board_pack.pdf"), ("zh", "board_pack.zh.pdf")])
def test_every_kpi_value_in_the_pdf_as_the_cli_prints_it(pack: tuple[Path, Path], tmp_path: Path, lang: str,
                                                       name: str, capsys: pytest.CaptureFixture[str]) -> None:
    config, out = pack
    text, sizes = pdf_text((out / name).read_bytes())
    assert sizes and all((w, h) == (round(A4[0]), round(A4[1])) for w, h in sizes), sizes
    runtime = wired(config, tmp_path / "data")
    try:
        titles = {key: metric.title(lang) for key, metric in listed(runtime.engine.catalogue).items()}
    finally:
        registry.reset()
    assert len(titles) >= 20
    missing = []
    for key, title in titles.items():  # the KPI's row: its title, then its value
        shown = printed_value(capsys, config, tmp_path / "data", lang, key)
        if squeezed(title + shown) not in squeezed(text):
            missing.append(f"{title} {shown}")
    assert not missing, f"values the CLI prints that the {lang} PDF lacks: {missing}"
    assert squeezed("月度董事会简报" if lang == "zh" else "Monthly board pack") in squeezed(text)


def test_the_pdf_is_attached_to_the_email_that_arrives(tmp_path: Path, data_dir: Path,
                                                      smtp_server: SmtpServer) -> None:
    config = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, PACK.replace(
        'recipients = [{email = "ceo@example.com", language = "en"}, {email = "cfo@example.com", language = "zh-CN"}]',
        'recipients = ["ceo@example.com"]\nmetrics = ["data_accuracy", "hours_saved"]'))
    assert cli(config, tmp_path / "data", "snapshot", "send", "board_pack") == 0
    assert len(smtp_server.received) == 1
    attachments = parts(smtp_server.received[0].message)["attachments"]
    name = next(n for n in attachments if n.endswith(".pdf"))
    assert re.fullmatch(r"vantage-board_pack-\d{4}-\d{2}-01\.pdf", name), name
    text, _ = pdf_text(attachments[name])
    assert "Data accuracy" in text and "Hours saved per month" in text


def test_no_browser_holds_the_pack_and_says_why(tmp_path: Path, data_dir: Path, smtp_server: SmtpServer,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A board pack without its PDF is not the board pack: with on_failure = "hold" nothing is sent."""
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))  # as on a machine without Chromium
    config = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, PACK.replace(
        'charts = [{metric = "data_accuracy"}, {metric = "error_rate", department = "finance"}]',
        'metrics = ["data_accuracy"]'))
    assert cli(config, tmp_path / "data", "snapshot", "send", "board_pack") != 0
    assert smtp_server.received == []
    said = capsys.readouterr().err
    assert "PDF board pack: cannot start Chromium to print the PDF" in said and "held" in said
