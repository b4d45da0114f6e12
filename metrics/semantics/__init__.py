"""The metric language: the Metric declaration and its closed set of kinds, the datasets metrics read and the
constructors for their common shapes, the registry metric modules add to, the validation of the whole catalogue, and
how values are formatted.

May import `core`, `config` and `connectors`.
"""
