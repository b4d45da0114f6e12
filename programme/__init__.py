"""The programme itself and its assessment: the plan (phases, workstreams, milestones), the one definition of a
milestone's outcome, the impact of milestones on KPIs, maturity and the self-assessment, the department league
table and the feedback themes.

May import `core`, `config`, `connectors` and `metrics`.
"""
