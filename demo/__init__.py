"""Deterministic generator of the embedded Vantage demo SQLite database.

One module per concept:

- ``writer``: the public entry point, SQLite writing in chunks, temp file then rename
- ``schema``: table definitions and their freshness columns
- ``context``: what every generator shares, derived from (records, seed, end)
- ``reference``: departments, systems and process types
- ``calendar``: month arithmetic, programme dates and the office-hours event clock
- ``draws``: vectorised seeded random helpers
- ``master`` and ``master_texts``: master_records and the entity texts behind them
- ``operations``: process_runs, service_requests and audit_cycles
- ``integration``: interfaces and api_calls
- ``finance``: costs
- ``plan`` and ``schedule``: phases, workstreams, milestones, scope, targets and their dated rows
- ``assessment``: assessment_answers, the maturity questionnaire at start, month 9 and month 17
- ``feedback``: feedback_responses, the monthly user survey and its comments
- ``people``: key_staff (the month-end roster and its training) and platform_usage (weekly use of the data platform)
- ``security``: access_reviews, privileged_accounts, logging_scans, audit_findings and open_findings
- ``names``: people's names for the rosters

May import `core` only; the app imports it to build the demo on first run.
"""

from __future__ import annotations

from demo.writer import DemoInfo, build_demo, default_demo_path

__all__ = ["DemoInfo", "build_demo", "default_demo_path"]
