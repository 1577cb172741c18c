"""``monitored_queue``: the C loop behind MonitoredQueue (see greenzmq.core._zmq)."""
from greenzmq.core._zmq import monitored_queue

__all__ = ["monitored_queue"]
