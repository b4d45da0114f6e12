"""Sources to polars frames, through one small protocol (base.py): SQL databases, files, and local columnar
copies (mirror.py) of slow sources; and, for `python app.py init`, a table read as written (sample.py) and the
dataset its rows suggest (profile.py).

May import `core` and `config`.
"""
