"""`python app.py checkin add|list`: an owner's word on a KPI for a month, written and audited, or listed."""
from __future__ import annotations

import argparse

from access.audit import AuditTrail
from access.users import UserStore
from cli.commands import Runtime
from cli.output import print_rows
from core.errors import AccessDenied, UnknownName, UsageError
from metrics.semantics.model import Metric
from programme.checkins import COLUMNS, CheckinStore, checked, may_write, refusal

ADDRESS = "command line"  # the audit's address of what the CLI writes


def cmd_checkin(rt: Runtime, args: argparse.Namespace) -> int:
    if args.checkin_action == "add":
        print(add(rt, args.metric, args.period, args.status, args.note, args.author))
        return 0
    if args.metric is not None:
        _metric(rt, args.metric, "checkin list --metric")
    rows = [c.row() for c in CheckinStore.in_folder(rt.config.data_path).timeline(args.metric)]
    print_rows(COLUMNS, rows, args.format)
    return 0


def add(rt: Runtime, key: str, period: str, status: str | None, note: str, author: str) -> str:
    """Write a check-in as `author`, with its audit row; AccessDenied (recorded as a `denied` row) when that user
    may not write this metric's check-ins. What the command prints."""
    metric = _metric(rt, key, "checkin add")
    trail = AuditTrail.in_folder(rt.config.data_path)
    filters = {"period": period, "status": status or "empty"}
    viewer = UserStore.in_folder(rt.config.data_path).viewer(author)
    if viewer is None:
        reason = f"no active user '{author}'"
        trail.record(author, "denied", key, filters, ADDRESS, reason)
        raise UsageError(reason, "checkin add --as", "give a user from `python app.py user list`")
    if not may_write(rt.config.owners, metric.owner, viewer.name, viewer.role.value):
        why, fix = refusal(viewer.name, viewer.role.value, metric.owner)
        refused = AccessDenied(f"{author} may not write check-ins of {key}: {why}", "checkin add --as", fix)
        trail.record(author, "denied", key, filters, ADDRESS, refused.message)
        raise refused
    key, period, status, note = checked(key, period, status or "empty", note)
    trail.record(viewer.name, "checkin", key, {"period": period, "status": status}, ADDRESS)  # never stored without
    written = CheckinStore.in_folder(rt.config.data_path).add(key, period, status, note, viewer.name)
    return f"checked in {key} for {written.period}: {written.line('en')} ({written.author}, {written.written_at})"


def _metric(rt: Runtime, key: str, where: str) -> Metric:
    metric = rt.catalogue.get(key)
    if metric is None:
        raise UnknownName(f"unknown metric '{key}'", where, "use a key from `python app.py metrics`")
    return metric
