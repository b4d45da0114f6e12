"""Settings: the one loader with one precedence rule (command line > environment > file > default), and the
declarations it holds, checked by one set of field checkers (fields.py): wall playlists, snapshot emails and their
cron schedules (cron.py, on croniter).

May import `core` and third-party libraries only.
"""
