"""Background work on a Celery worker pool (`broker_url`, `python app.py worker`): a table's local copy and rollups
brought in step, the cache warmed after a data version changes, scheduled snapshots rendered and sent.

Without `broker_url` none of this runs and everything happens in-process, as before. The package sits above every
other: it may import core, config, connectors, metrics, programme, access, snapshots, cli and dashboard's pure
helpers (dashboard.state); nothing imports it but app.py, which wires its hooks into the engine and the scheduler.
"""
