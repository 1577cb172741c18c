"""The core: the libzmq extension module and pyzmq's API on top of it."""
from greenzmq.core._zmq import (
    COPY_THRESHOLD,
    Frame,
    Message,
    MessageTracker,
    Stopwatch,
    curve_keypair,
    curve_public,
    device,
    has,
    monitored_queue,
    proxy,
    proxy_steerable,
    strerror,
    zmq_errno,
    zmq_poll,
    zmq_version,
    zmq_version_info,
)
from greenzmq.core.socket import Socket
from greenzmq.core.context import Context
from greenzmq.core.poll import Poller, select

__all__ = [
    "COPY_THRESHOLD",
    "Context",
    "Frame",
    "Message",
    "MessageTracker",
    "Poller",
    "Socket",
    "Stopwatch",
    "curve_keypair",
    "curve_public",
    "device",
    "has",
    "proxy",
    "proxy_steerable",
    "monitored_queue",
    "select",
    "strerror",
    "zmq_errno",
    "zmq_poll",
    "zmq_version",
    "zmq_version_info",
]
