"""gunicorn's settings for Vantage, read from the working directory (the README's service runs
`gunicorn "app:create_server()"` in the project's folder): its responses name no server version."""
from dashboard.serving import post_worker_init

__all__ = ["post_worker_init"]  # a gunicorn server hook, found here by its name
