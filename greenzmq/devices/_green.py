"""The green devices: proxy, proxy_steerable, device and monitored_queue in the calling
greenlet, over the core's relay (``greenzmq.core._zmq._Relay``) and the green wait engine
(``greenzmq._green``). ``green_gevent`` and ``green_eventlet`` bind them to their hub."""
from __future__ import annotations

from functools import partial
from typing import Any

from greenzmq import constants as _c
from greenzmq._green import Hub, _wait_poll
from greenzmq.core._zmq import _Relay, zmq_poll

ROUTER = int(_c.ROUTER)
_BATCH = 256  # messages a device moves before it lets other greenlets run


def _relay(hub: Hub, relay: _Relay) -> int:
    """The green device loop over the core's relay: a burst per direction in C (never
    waits; a refused message is held there), then a green wait for what it needs next."""
    socks = relay.sockets
    while True:
        if relay.steer():
            return 0
        moved = relay.pump(_BATCH)
        for sock in socks:  # the C calls may have eaten a parked greenlet's wakeup
            st = getattr(sock, "_gs", None)
            if st is not None and st.nwait:
                st.poke()
        if moved >= _BATCH:  # busy: let the other greenlets run, then carry on
            hub.cooperate()
            continue
        items = relay.wait_items()
        _wait_poll(hub, items, None, partial(zmq_poll, items, 0))


def proxy_steerable(hub: Hub, frontend: Any, backend: Any, capture: Any = None,
                    control: Any = None) -> int:
    """zmq_proxy_steerable in the calling greenlet; returns 0 on TERMINATE."""
    return _relay(hub, _Relay(frontend, backend, capture, control))


def proxy(hub: Hub, frontend: Any, backend: Any, capture: Any = None) -> None:
    """zmq_proxy in the calling greenlet: runs until an error (e.g. ContextTerminated)."""
    proxy_steerable(hub, frontend, backend, capture)


def device(hub: Hub, device_type: int, frontend: Any, backend: Any) -> None:
    """The old zmq_device: a proxy between ``frontend`` and ``backend``."""
    proxy_steerable(hub, frontend, backend)


def monitored_queue(hub: Hub, in_socket: Any, out_socket: Any, mon_socket: Any,
                    in_prefix: bytes = b"in", out_prefix: bytes = b"out") -> None:
    """A proxy that also copies each message to ``mon_socket`` behind a direction prefix.

    Between two ROUTER sockets the first two frames (routing ids) are swapped.
    """
    swap = in_socket.socket_type == ROUTER and out_socket.socket_type == ROUTER
    _relay(hub, _Relay(in_socket, out_socket, mon_socket, None, (in_prefix, out_prefix), swap))
