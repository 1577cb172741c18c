"""ZAP served by a gevent greenlet: :class:`GeventAuthenticator`.

No OS thread: the handler waits on a green socket, so the hub keeps running
other greenlets while no request is pending.
"""
from __future__ import annotations

import logging
from typing import Any

import gevent

import greenzmq.green_gevent as _green

from .base import Authenticator

__all__ = ["GeventAuthenticator"]


class GeventAuthenticator(Authenticator):
    """An :class:`~greenzmq.auth.base.Authenticator` served by a greenlet.

    Parameters
    ----------
    context : Context, optional
        The context to authenticate; ``greenzmq.green_gevent.Context.instance()``
        when omitted. The handler always uses a gevent-green socket on it.
    encoding : str
        Encoding of PLAIN credentials and user ids.
    log : logging.Logger, optional
        Logger for decisions.
    """

    greenlet: Any

    def __init__(self, context: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        super().__init__(context, encoding, log)
        self.greenlet = None
        self._socket_class = _green.Socket

    @staticmethod
    def _default_context() -> Any:
        return _green.Context.instance()

    def start(self) -> None:
        """Bind the ZAP socket and start serving it in a greenlet."""
        super().start()
        self.greenlet = gevent.spawn(self._serve, self.zap_socket)

    def stop(self) -> None:
        """Stop the greenlet and close the ZAP socket."""
        glet, self.greenlet = self.greenlet, None
        if glet is not None:
            glet.kill(block=True)
        super().stop()

    def is_alive(self) -> bool:
        """Whether the handler greenlet is running."""
        return self.greenlet is not None and not self.greenlet.dead

    def __enter__(self) -> "GeventAuthenticator":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
