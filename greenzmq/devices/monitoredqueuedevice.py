"""MonitoredQueue devices: a queue whose monitor socket sees every message, prefixed."""
from __future__ import annotations

from greenzmq.constants import PUB
from greenzmq.core._zmq import monitored_queue
from greenzmq.devices.basedevice import Device, ProcessDevice, ThreadDevice
from greenzmq.devices.proxydevice import ProxyBase

__all__ = ["MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue"]


def _check_prefix(value: object, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError(f"{what} must be bytes, not {type(value).__name__}")
    return value


class MonitoredQueueBase(ProxyBase):
    """Forward both ways like a QUEUE and copy each message to the monitor socket.

    A message from the in socket reaches the monitor as ``[in_prefix, *frames]``, one from
    the out socket as ``[out_prefix, *frames]``. ROUTER on both sides is supported: the
    first two frames (sender and recipient routing ids) are swapped on the way through.
    """

    def __init__(
        self,
        in_type: int,
        out_type: int,
        mon_type: int = PUB,
        in_prefix: bytes = b"in",
        out_prefix: bytes = b"out",
    ) -> None:
        super().__init__(in_type=in_type, out_type=out_type, mon_type=mon_type)
        self._in_prefix = _check_prefix(in_prefix, "in_prefix")
        self._out_prefix = _check_prefix(out_prefix, "out_prefix")

    def run_device(self) -> None:
        """Make the sockets and run monitored_queue (returns when the context ends)."""
        ins, outs, mons = self._setup_sockets()
        self._notify_setup_done()  # type: ignore[attr-defined]
        monitored_queue(ins, outs, mons, self._in_prefix, self._out_prefix)


class MonitoredQueue(MonitoredQueueBase, Device):
    """A monitored queue run in the calling thread by ``start()``.

    Parameters
    ----------
    in_type, out_type : int
        Socket types of the two ends.
    mon_type : int
        Socket type of the monitor, PUB by default.
    in_prefix, out_prefix : bytes
        First frame of the copies, by the direction the message travelled.
    """


class ThreadMonitoredQueue(MonitoredQueueBase, ThreadDevice):
    """Monitored queue in a real OS thread."""


class ProcessMonitoredQueue(MonitoredQueueBase, ProcessDevice):
    """Monitored queue in a child process."""
