"""Sources to polars frames, through one small protocol (base.py): SQL databases, files, and local columnar
copies (mirror.py) of slow sources.

May import `core` and `config`.
"""
