"""The worker tests' servers: a real redis-server (the broker) and a real SMTP server."""
from tests.redis_server import redis_server  # noqa: F401
from tests.snapshots.smtp import smtp_server  # noqa: F401
