"""The engine: answers questions about metrics over the connectors' frames.

questions.py (the public questions), protocol.py (`Questions`: what callers may ask of an engine), planning.py
(query planning per metric kind), answers.py (what it returns), headline.py, details.py (the rows behind a number),
cache.py (cache keys, data versions, last good), scope.py (what a viewer may see), periods.py, status.py (the
status rule), decision.py (one status decision per metric, slice and period, and its sentence),
history.py (definition versions), baselines.py (baselines recorded once their window has closed).
May import `core`, `config`, `connectors` and `metrics.semantics`.
"""
