"""Settings: the one loader with one precedence rule (command line > environment > file > default), and the
playlist declarations, checked field by field.

May import `core` only.
"""
