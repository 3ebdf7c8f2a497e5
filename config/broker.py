"""Kombu's Redis transport with one fix, so the Celery worker survives a Redis outage.

Settings select it with ``CELERY_BROKER_TRANSPORT`` when the broker is Redis.

The bug (kombu 5.7.0 with celery 5.7.0): Redis goes away while the worker's consumer waits
in BRPOP and a task is still unacknowledged (``acks_late``: a task running, or one
prefetched). Celery's consumer first ``collect()``s the lost connection: closing the channel
fails on the dead BRPOP socket (a connection error, ignored) before the channel is marked
closed, and kombu then detaches the transport (``transport.client = None``). Celery next
``close()``s the connection, which closes the same channel again; this time it gets as far as
putting the unacknowledged delivery back, builds a new connection pool for that and reads the
broker's host from the detached client: ``AttributeError('NoneType' object has no attribute
'hostname')``. That is not a connection error, so it escapes every ``ignore_errors`` and the
worker exits with "Unrecoverable error".

The fix: a channel remembers its connection parameters while it is attached and uses them
once detached. Putting the delivery back then fails like any call to a Redis that is down
(ignored, the delivery stays in Redis's unacked set), and the running task's acknowledgement,
sent after the reconnect through its original channel, reaches Redis and removes the delivery,
so the task is not run a second time when the visibility timeout expires.
"""

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    _attached_connparams: dict[bool, dict[str, Any]]

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if not hasattr(self, "_attached_connparams"):
            self._attached_connparams = {}
        if self.connection is not None and self.connection.client is not None:
            params = super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]
            self._attached_connparams[asynchronous] = params
        if asynchronous not in self._attached_connparams:
            raise RedisConnectionError("the broker connection is closed")
        return dict(self._attached_connparams[asynchronous])


class Transport(kombu_redis.Transport):
    Channel = Channel
