"""Sockets whose I/O returns Futures, for coroutines on tornado's IOLoop.

pyzmq's ``zmq.eventloop.future``: ``msg = await sock.recv_multipart()``. tornado's Future
is asyncio's, so this is a thin face over :mod:`greenzmq.asyncio` (the asyncio adapter
of greenzmq's one wait engine): the only difference is that a socket's fd is watched
through the current tornado IOLoop, so ``IOLoop.close(all_fds=True)`` closes the sockets
it watches, as in pyzmq.
"""
from __future__ import annotations

import asyncio
import weakref
from typing import Any, Callable

from greenzmq import asyncio as _aio
from greenzmq.eventloop.ioloop import IOLoop

__all__ = ["Context", "Socket", "Poller", "CancelledError"]

#: what awaiting a cancelled Future raises (pyzmq names its own; tornado's Future is asyncio's)
CancelledError = asyncio.CancelledError

_owners: weakref.WeakValueDictionary[int, Socket] = weakref.WeakValueDictionary()


class _Handler:
    """A watcher registered with tornado's IOLoop (fd of a socket known by number)."""

    __slots__ = ("io_loop", "obj", "write", "on")

    def __init__(self, io_loop: Any, obj: Any, write: bool) -> None:
        self.io_loop, self.obj, self.write, self.on = io_loop, obj, write, False

    def start(self, cb: Callable[..., Any], *args: Any) -> None:
        if not self.on:
            self.io_loop.add_handler(self.obj, lambda fd, events: cb(*args),
                                     IOLoop.WRITE if self.write else IOLoop.READ)
            self.on = True

    def stop(self) -> None:
        if self.on:
            self.on = False
            self.io_loop.remove_handler(self.obj)

    close = stop


class _TornadoHub(_aio._AsyncioHub):
    """The asyncio adapter, with fds registered through the current tornado IOLoop."""

    def current(self) -> Any:
        return IOLoop.current()

    def io(self, fd: int, write: bool) -> Any:
        owner = _owners.get(fd)
        return _Handler(IOLoop.current(), owner if owner is not None else fd, write)


_HUB = _TornadoHub()


class Socket(_aio.Socket):
    """A socket whose send/recv/poll methods return Futures (see greenzmq.asyncio.Socket)."""

    _hub = _HUB

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _owners[self.fileno()] = self

    def _get_loop(self) -> Any:
        """The current IOLoop, with this socket registered on it (pyzmq's attach)."""
        self._gs.watch()  # stops again at the first event while nobody waits
        return IOLoop.current()


class Poller(_aio.Poller):
    """A Poller whose poll() returns a Future of ``[(socket, events)]``."""

    _socket_class = Socket


class Context(_aio.Context):
    """A Context whose sockets are :class:`Socket`."""

    _socket_class = Socket
