"""The board pack as a PDF: the snapshot's own HTML, charts included, printed to A4 by the Chromium that draws them.

A board pack is printed and filed, so the PDF carries the same content as the email (no second layout to drift
from it): the HTML with its chart pictures beside it in a temporary folder, a print stylesheet for A4 pages that
keeps a KPI row, a chart or a notice from breaking across pages, and Chromium's own print-to-PDF. Text stays
text, searchable and extractable (no ligatures, so "findings" is found as typed); charts are the email's
1200 x 720 pixel pictures (about 250 dpi at their printed width). A PDF that is not one, or a browser that fails
or hangs, is reported, not sent.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PDF_SIGNATURE = b"%PDF-"
PRINT_TIMEOUT = 60.0  # seconds for one document
# A4 with margins a binder leaves room for; colours printed as shown (status fills, notices).
PRINT_CSS = """<style media="print">
@page { size: A4; margin: 14mm 12mm; }
html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; font-variant-ligatures: none; }
body, body > table { background: #ffffff !important; }
body > table > tbody > tr > td { padding: 0 !important; }
body > table > tbody > tr > td > table { max-width: none !important; border: 0 !important; }
table table table tr, tr:has(img), h1, h2, [role="alert"] { break-inside: avoid; page-break-inside: avoid; }
h2, table table table tr:has(> td + td) { break-after: avoid; page-break-after: avoid; }
</style>"""


@dataclass(frozen=True)
class Printed:
    """A printed PDF (bytes) or the reason there is none."""

    pdf: bytes | None
    problem: str = ""
    seconds: float = 0.0


def browser() -> str | None:
    """The Chromium that draws the email's charts (kaleido's own search: BROWSER_PATH, then the usual names)."""
    from choreographer.browsers.chromium import Chromium

    return Chromium.find_browser(skip_local=False)


def print_pdf(html: str, images: dict[str, bytes]) -> Printed:
    """The document printed to A4; `images` maps the HTML's `cid:` references to PNG bytes."""
    began = time.perf_counter()
    executable = browser()
    if executable is None:
        return Printed(None, "no Chromium to print the PDF with: install chromium (scripts/system-deps.sh)")
    with tempfile.TemporaryDirectory(prefix="vantage-pdf-") as folder:
        root = Path(folder)
        for n, (cid, png) in enumerate(images.items(), start=1):
            (root / f"chart-{n}.png").write_bytes(png)
            html = html.replace(f"cid:{cid}", f"chart-{n}.png")
        page, out = root / "pack.html", root / "pack.pdf"
        page.write_text(html.replace("</head>", f"{PRINT_CSS}\n</head>", 1), encoding="utf-8")
        command = [executable, "--headless", "--disable-gpu", "--no-pdf-header-footer", "--hide-scrollbars",
                   f"--user-data-dir={root / 'profile'}", "--allow-file-access-from-files",
                   f"--print-to-pdf={out}", page.as_uri()]
        if os.geteuid() == 0:  # Chromium refuses to run as root with its sandbox on
            command.insert(1, "--no-sandbox")
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT)
        except OSError as exc:
            return Printed(None, f"cannot start Chromium to print the PDF ({exc.strerror}: {executable}); install "
                                 "chromium (scripts/system-deps.sh) or set BROWSER_PATH", time.perf_counter() - began)
        except subprocess.TimeoutExpired:
            return Printed(None, f"Chromium did not print the PDF within {PRINT_TIMEOUT:.0f} s",
                           time.perf_counter() - began)
        data = out.read_bytes() if out.exists() else b""
    seconds = time.perf_counter() - began
    if not data.startswith(PDF_SIGNATURE):
        said = [line for line in done.stderr.splitlines() if "ERROR" in line and "dbus" not in line]
        reason = said[-1] if said else f"exit status {done.returncode}"
        return Printed(None, f"Chromium printed no PDF ({reason})", seconds)
    return Printed(data, "", seconds)
