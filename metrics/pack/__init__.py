"""The default metric pack: one module per pillar, the files a KPI owner edits.

May import `core`, `config`, `connectors`, `metrics.semantics` and `metrics.engine`.
"""
