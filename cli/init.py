"""`python app.py init --from PATH_OR_URL [--table T] [--out DIR]`: a first dashboard for your own data.

It reads a CSV, Parquet or Excel file or a SQL table (connectors/sample.py), proposes a dataset from its rows
(connectors/profile.py), writes DIR/vantage.toml and a starter metric module DIR/metrics_NAME.py (cli/init_files.py),
runs `check` on them as its own process, exactly as the user will next, and prints the commands to query and serve
them. It never overwrites a config or module already there unless told to (--force).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from cli.init_files import Written, config_text, metrics_text, starter_keys
from config.settings import Config
from connectors.profile import Proposal, profile
from connectors.sample import Sample, read_sample
from core.errors import UsageError

APP = Path(__file__).resolve().parent.parent / "app.py"


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    """Read, propose, write, check; 0 when `check` passes on what was written, else its exit code."""
    started = time.perf_counter()
    sample = read_sample(args.source, args.table)
    proposal = profile(sample.frame)
    if proposal.time is None:
        other = (f"name another {'sheet' if sample.kind == 'excel' else 'table'} with --table (one of: "
                 f"{', '.join(sample.others)}), or " if sample.others else "")
        raise UsageError(f"no column of {sample.shown}{_part(sample)} holds dates or timestamps (columns: "
                         f"{', '.join(sample.frame.columns[:20])})", f"--from {sample.shown}",
                         f"{other}export the table with the date each row happened on (every metric is counted per "
                         "period); text dates are fine in any common layout, e.g. 2026-01-31, 31/01/2026 or 31.01.2026")
    out = Path(args.out or f"vantage_{sample.name}").expanduser().resolve()
    written = Written(out / "vantage.toml", out / f"metrics_{sample.name}.py", out / "data")
    present = [p for p in (written.config, written.module) if p.exists()]
    if present and not args.force:
        raise UsageError(f"{present[0]} is already there", "init --out",
                         "choose another folder with --out, or add --force to write over it (your edits are lost)")
    out.mkdir(parents=True, exist_ok=True)
    password_env = _password_env(sample)
    written.config.write_text(config_text(sample, proposal, written, password_env), encoding="utf-8")
    written.module.write_text(metrics_text(sample, proposal, written), encoding="utf-8")
    _report(sample, proposal, written, time.perf_counter() - started)
    code = _check(written.config, args, password_env, sample)
    _next_steps(written.config, proposal, code)
    return code


def _password_env(sample: Sample) -> str:
    """The environment variable that is to hold the database password ("" when the URL has none): a password
    never goes into a config file."""
    if sample.kind != "sql":
        return ""
    import sqlalchemy as sa

    return f"{sample.name.upper()}_PASSWORD" if sa.make_url(sample.location).password else ""


def _report(sample: Sample, proposal: Proposal, written: Written, seconds: float) -> None:
    """What was read and proposed, one fact a line."""
    time_column = proposal.time
    assert time_column is not None
    more = "more than " if sample.more_rows else ""
    lines = [
        f"read {sample.shown}{_part(sample)}: {more}{proposal.rows:,} rows"
        f"{' (profiled on the first ones)' if more else ''}, {len(proposal.columns)} columns, in {seconds:.2f} s",
        f"  time column  {time_column.name} ({proposal.first} to {proposal.last}"
        + (f", read with time_format {time_column.time_format}" if time_column.time_format else "")
        + (f"; {proposal.other_time_format} reads its text too, as other dates: check which is meant"
           if proposal.other_time_format else "")
        + (f"; {proposal.undated:,} rows without one count in no period" if proposal.undated else "") + ")",
        f"  dimensions   {_names(proposal.dimensions)}",
        f"  yes/no       {_names(tuple(f'{c.name} ({c.flag})' for c in proposal.flags))}",
        f"  measures     {_names(proposal.measures)}",
        f"  missing      {_names(tuple(repr(m) for m in proposal.null_values)) if proposal.null_values else 'none'}"
        + (" written as missing in the file" if proposal.null_values else ""),
        f"wrote {written.config} and {written.module} (metrics: {', '.join(starter_keys(proposal))})",
    ]
    print("\n".join(lines), flush=True)


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "none"


def _check(config_file: Path, args: argparse.Namespace, password_env: str, sample: Sample) -> int:
    """`python app.py --config FILE check` on what was written, in its own process (its catalogue is not this one's)."""
    command = [sys.executable, str(APP), "--config", str(config_file)]
    for option, value in (("--data-dir", args.data_dir), ("--today", args.today), ("--language", args.language)):
        if value:
            command += [option, value]
    environ = dict(os.environ)
    if password_env:
        import sqlalchemy as sa

        environ.setdefault(password_env, str(sa.make_url(sample.location).password))
    print(f"$ python app.py --config {config_file} check", flush=True)
    return subprocess.run([*command, "check"], env=environ, check=False).returncode


def _next_steps(config_file: Path, proposal: Proposal, code: int) -> None:
    """The two commands to query and serve the new config, the dashboard's address over the data's whole range,
    and what the login being off means."""
    first, last = proposal.first.replace(day=1) if proposal.first else None, proposal.last
    if code:
        print(f"`check` found the problems above in what init wrote: correct them in {config_file.parent}, then run "
              f"python app.py --config {config_file} check", file=sys.stderr)
    print("\nNext, from the Vantage folder (the login is off in this config, for a local trial only: anyone who can "
          "reach the address sees every number; README \"Add your own data\" says how to turn it on):\n"
          f"  python app.py --config {config_file} query completeness --from {first} --to {last}\n"
          f"  python app.py --config {config_file} serve\n"
          f"and open http://127.0.0.1:8050/?period=custom&from={first}&to={last} (the data's whole range; the "
          "dashboard opens on the last complete month)")


def _part(sample: Sample) -> str:
    """The part of the source read: ' sheet S' of a workbook, ' table T' of a database, '' of a file."""
    return {"excel": f" sheet {sample.table}", "sql": f" table {sample.table}"}.get(sample.kind, "")
