"""The engine: answers questions about metrics over the connectors' frames.

questions.py (the public questions), planning.py (query planning per metric kind), answers.py (what it returns),
headline.py, details.py (the rows behind a number), cache.py (cache keys, data versions, last good), scope.py
(what a viewer may see), periods.py, status.py, history.py (definition versions).
May import `core`, `config`, `connectors` and `metrics.semantics`.
"""
