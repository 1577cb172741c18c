"""Proxy devices: zmq_proxy with a capture (monitor) socket, and the steerable proxy."""
from __future__ import annotations

import errno as _errno
from typing import Any

from greenzmq.constants import PUB, PULL, PUSH, REP, REQ, SUB, XPUB
from greenzmq.core._zmq import proxy, proxy_steerable
from greenzmq.devices.basedevice import (
    Device,
    ProcessDevice,
    ThreadDevice,
    _check_addr,
    _check_socket_type,
)
from greenzmq.error import ZMQError

__all__ = [
    "Proxy", "ThreadProxy", "ProcessProxy",
    "ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable",
]


# the capture socket only sends, the control socket receives (and replies to STATISTICS)
_CANNOT_CAPTURE: dict[int, str] = {SUB: "SUB", PULL: "PULL", REQ: "REQ", REP: "REP"}
_CANNOT_CONTROL: dict[int, str] = {PUB: "PUB", PUSH: "PUSH", XPUB: "XPUB"}


class ProxyBase:
    """Adds a monitor (capture) socket that gets a copy of every forwarded message."""

    def __init__(self, in_type: int, out_type: int, mon_type: int = PUB) -> None:
        super().__init__(in_type=in_type, out_type=out_type)  # type: ignore[call-arg]
        mon_type = _check_socket_type(mon_type, "mon_type")
        if mon_type in _CANNOT_CAPTURE:
            raise ZMQError(
                _errno.EINVAL, f"mon_type {_CANNOT_CAPTURE[mon_type]} cannot send copies"
            )
        self.mon_type = mon_type
        self._mon_binds: list = []
        self._mon_connects: list[str] = []
        self._mon_sockopts: list[tuple[int, Any]] = []

    def bind_mon(self, addr: str) -> None:
        """Enqueue an address for the monitor socket to bind."""
        self._mon_binds.append(_check_addr(addr))

    def connect_mon(self, addr: str) -> None:
        """Enqueue an address for the monitor socket to connect to."""
        self._mon_connects.append(_check_addr(addr))

    def setsockopt_mon(self, opt: int, value: Any) -> None:
        """Enqueue a socket option for the monitor socket."""
        self._mon_sockopts.append((opt, value))

    def bind_mon_to_random_port(
        self, addr: str, min_port: int = 49152, max_port: int = 65536, max_tries: int = 100
    ) -> int:
        """Bind the monitor socket to a random tcp port of ``addr``; return the port."""
        return self._reserve(  # type: ignore[attr-defined]
            self._mon_binds, self._mon_sockopts, addr, min_port, max_port, max_tries
        )

    def _setup_sockets(self) -> tuple:
        ins, outs = super()._setup_sockets()  # type: ignore[misc]
        mons = self._make_socket(self.mon_type)  # type: ignore[attr-defined]
        self._configure(  # type: ignore[attr-defined]
            mons, self._mon_sockopts, self._mon_binds, self._mon_connects
        )
        return ins, outs, mons

    def _reserved_lists(self) -> list:
        return super()._reserved_lists() + [self._mon_binds]  # type: ignore[misc]

    def run_device(self) -> None:
        """Make the sockets and run zmq_proxy with the monitor as capture."""
        ins, outs, mons = self._setup_sockets()
        self._notify_setup_done()  # type: ignore[attr-defined]
        proxy(ins, outs, mons)


class Proxy(ProxyBase, Device):
    """A proxy with a monitor socket, run in the calling thread by ``start()``.

    Parameters
    ----------
    in_type, out_type : int
        Socket types of the frontend and backend.
    mon_type : int
        Socket type of the monitor, PUB by default.
    """


class ThreadProxy(ProxyBase, ThreadDevice):
    """Proxy in a real OS thread."""


class ProcessProxy(ProxyBase, ProcessDevice):
    """Proxy in a child process."""


class ProxySteerableBase(ProxyBase):
    """Adds a control socket: PAUSE, RESUME, TERMINATE, STATISTICS (zmq_proxy_steerable)."""

    def __init__(
        self, in_type: int, out_type: int, mon_type: int = PUB, ctrl_type: int | None = None
    ) -> None:
        super().__init__(in_type=in_type, out_type=out_type, mon_type=mon_type)
        if ctrl_type is None:
            raise TypeError("ctrl_type must be specified (PAIR, REP or SUB)")
        ctrl_type = _check_socket_type(ctrl_type, "ctrl_type")
        if ctrl_type in _CANNOT_CONTROL:
            raise ZMQError(
                _errno.EINVAL, f"ctrl_type {_CANNOT_CONTROL[ctrl_type]} cannot receive commands"
            )
        self.ctrl_type = ctrl_type
        self._ctrl_binds: list = []
        self._ctrl_connects: list[str] = []
        self._ctrl_sockopts: list[tuple[int, Any]] = []

    def bind_ctrl(self, addr: str) -> None:
        """Enqueue an address for the control socket to bind."""
        self._ctrl_binds.append(_check_addr(addr))

    def connect_ctrl(self, addr: str) -> None:
        """Enqueue an address for the control socket to connect to."""
        self._ctrl_connects.append(_check_addr(addr))

    def setsockopt_ctrl(self, opt: int, value: Any) -> None:
        """Enqueue a socket option for the control socket."""
        self._ctrl_sockopts.append((opt, value))

    def bind_ctrl_to_random_port(
        self, addr: str, min_port: int = 49152, max_port: int = 65536, max_tries: int = 100
    ) -> int:
        """Bind the control socket to a random tcp port of ``addr``; return the port."""
        return self._reserve(  # type: ignore[attr-defined]
            self._ctrl_binds, self._ctrl_sockopts, addr, min_port, max_port, max_tries
        )

    def _setup_sockets(self) -> tuple:
        ins, outs, mons = super()._setup_sockets()
        ctrls = self._make_socket(self.ctrl_type)  # type: ignore[attr-defined]
        self._configure(  # type: ignore[attr-defined]
            ctrls, self._ctrl_sockopts, self._ctrl_binds, self._ctrl_connects
        )
        return ins, outs, mons, ctrls

    def _reserved_lists(self) -> list:
        return super()._reserved_lists() + [self._ctrl_binds]

    def run_device(self) -> None:
        """Make the sockets and run zmq_proxy_steerable; returns after TERMINATE."""
        ins, outs, mons, ctrls = self._setup_sockets()
        self._notify_setup_done()  # type: ignore[attr-defined]
        proxy_steerable(ins, outs, mons, ctrls)


class ProxySteerable(ProxySteerableBase, Device):
    """A steerable proxy, run in the calling thread by ``start()``.

    Parameters
    ----------
    in_type, out_type, mon_type : int
        As for Proxy.
    ctrl_type : int
        Socket type of the control socket (PAIR, REP or SUB). The commands are the bytes
        PAUSE, RESUME, TERMINATE and STATISTICS (which answers with 8 uint64 frames).
    """


class ThreadProxySteerable(ProxySteerableBase, ThreadDevice):
    """Steerable proxy in a real OS thread."""


class ProcessProxySteerable(ProxySteerableBase, ProcessDevice):
    """Steerable proxy in a child process."""
