"""Poller and select over zmq_poll, for sockets and plain file descriptors."""
from __future__ import annotations

from typing import Any

from greenzmq.constants import POLLERR, POLLIN, POLLOUT
from greenzmq.core._zmq import zmq_poll

__all__ = ["Poller", "select", "zmq_poll"]


class Poller:
    """Wait for events on several sockets and/or fds at once."""

    def __init__(self) -> None:
        self.sockets: list[tuple[Any, int]] = []
        self._index: dict[Any, int] = {}

    def __contains__(self, socket: Any) -> bool:
        return socket in self._index

    def register(self, socket: Any, flags: int = POLLIN | POLLOUT) -> None:
        """Watch ``socket`` (a Socket, an fd or an object with fileno()) for ``flags``.

        Registering again changes the flags; flags=0 unregisters.
        """
        if not flags:
            if socket in self._index:
                self.unregister(socket)
            return
        if socket in self._index:
            self.sockets[self._index[socket]] = (socket, flags)
        else:
            self._index[socket] = len(self.sockets)
            self.sockets.append((socket, flags))

    modify = register

    def unregister(self, socket: Any) -> None:
        """Stop watching ``socket`` (KeyError if it was not registered)."""
        idx = self._index.pop(socket)
        self.sockets.pop(idx)
        for s, _ in self.sockets[idx:]:
            self._index[s] -= 1

    def poll(self, timeout: float | None = None) -> list[tuple[Any, int]]:
        """Wait up to ``timeout`` ms (None or negative: forever); return [(socket, events)]."""
        if timeout is None or timeout < 0:
            timeout = -1
        return zmq_poll(self.sockets, int(timeout))


def select(rlist: list, wlist: list, xlist: list, timeout: float | None = None
           ) -> tuple[list, list, list]:
    """select(2) for sockets and fds; ``timeout`` in seconds (None: forever)."""
    ms = -1 if timeout is None or timeout < 0 else int(timeout * 1000)
    flags: dict[Any, int] = {}
    for lst, flag in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLERR)):
        for s in lst:
            flags[s] = flags.get(s, 0) | flag
    ready = zmq_poll(list(flags.items()), ms)
    return ([s for s, ev in ready if ev & POLLIN], [s for s, ev in ready if ev & POLLOUT],
            [s for s, ev in ready if ev & POLLERR])
