"""ZAP served by a tornado IOLoop: :class:`IOLoopAuthenticator`."""
from __future__ import annotations

import logging
import warnings
from typing import Any

from tornado.ioloop import IOLoop

import greenzmq
from greenzmq.error import ZMQError

from .base import Authenticator

__all__ = ["IOLoopAuthenticator"]


class IOLoopAuthenticator(Authenticator):
    """An :class:`~greenzmq.auth.base.Authenticator` served by a tornado IOLoop.

    Parameters
    ----------
    context : Context, optional
        The context to authenticate; ``Context.instance()`` when omitted.
    encoding : str
        Encoding of PLAIN credentials and user ids.
    log : logging.Logger, optional
        Logger for decisions.
    io_loop : tornado.ioloop.IOLoop, optional
        The loop to register with; ``IOLoop.current()`` at :meth:`start`.
    """

    io_loop: Any

    def __init__(self, context: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None, io_loop: Any = None) -> None:
        super().__init__(context, encoding, log)
        if io_loop is not None:
            warnings.warn("IOLoopAuthenticator(io_loop=...) is deprecated (as in pyzmq): it "
                          "serves on IOLoop.current() at start(); use AsyncioAuthenticator",
                          DeprecationWarning, stacklevel=2)
        self.io_loop = io_loop
        self._fd: int | None = None
        self._socket_class = greenzmq.Socket

    def start(self) -> None:
        """Bind the ZAP socket and register it with the IOLoop."""
        super().start()
        if self.io_loop is None:
            self.io_loop = IOLoop.current()
        self._fd = self.zap_socket.fileno()
        self.io_loop.add_handler(self._fd, self._on_readable, IOLoop.READ)
        # ZMQ_FD only signals changes: requests queued before registration
        # would never wake us, so look once now
        self.io_loop.add_callback(self._drain)

    def _on_readable(self, fd: Any, events: int) -> None:
        self._drain()

    def _drain(self) -> None:
        # ZMQ_FD is edge-like: after it fires, read until ZMQ_EVENTS says no
        # request is waiting, else a request can sit unseen with a quiet fd
        sock = self.zap_socket
        while sock is not None and not sock.closed:
            try:
                if not sock.getsockopt(greenzmq.EVENTS) & greenzmq.POLLIN:
                    return
                msg = sock.recv_multipart(greenzmq.NOBLOCK)
            except greenzmq.Again:
                return
            except ZMQError as e:
                if e.errno not in (greenzmq.ETERM, greenzmq.ENOTSOCK):
                    self.log.exception("ZAP handler failed")
                return
            self.handle_zap_message(msg)
            sock = self.zap_socket

    def stop(self) -> None:
        """Unregister from the IOLoop and close the ZAP socket."""
        if self._fd is not None and self.io_loop is not None:
            self.io_loop.remove_handler(self._fd)
        self._fd = None
        super().stop()

    def __enter__(self) -> "IOLoopAuthenticator":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
