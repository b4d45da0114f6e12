"""The command line: the parser, the one command table, the CLI's tables (and the slices of a metric behind
--where and --by), its output writers, and `init` (init.py; the files it writes, init_files.py).

`app.py` wires a runtime and hands it here; the commands that serve the dashboard or send snapshots are handed in
by `app.py` too, because `cli` is a peer of `dashboard` and `snapshots`. May import `core`, `config`,
`connectors`, `demo`, `metrics`, `programme` and `access`; never `dashboard` or `snapshots`.
"""
