"""ZAP served by an eventlet green thread: :class:`EventletAuthenticator`.

No OS thread: the handler waits on a green socket, so the hub keeps running
other green threads while no request is pending.
"""
from __future__ import annotations

import logging
from typing import Any

import eventlet

import greenzmq.green_eventlet as _green

from .base import Authenticator

__all__ = ["EventletAuthenticator"]


class EventletAuthenticator(Authenticator):
    """An :class:`~greenzmq.auth.base.Authenticator` served by a green thread.

    Parameters
    ----------
    context : Context, optional
        The context to authenticate; ``greenzmq.green_eventlet.Context.instance()``
        when omitted. The handler always uses an eventlet-green socket on it.
    encoding : str
        Encoding of PLAIN credentials and user ids.
    log : logging.Logger, optional
        Logger for decisions.
    """

    greenthread: Any

    def __init__(self, context: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        super().__init__(context, encoding, log)
        self.greenthread = None
        self._socket_class = _green.Socket

    @staticmethod
    def _default_context() -> Any:
        return _green.Context.instance()

    def start(self) -> None:
        """Bind the ZAP socket and start serving it in a green thread."""
        super().start()
        self.greenthread = eventlet.spawn(self._serve, self.zap_socket)

    def stop(self) -> None:
        """Stop the green thread and close the ZAP socket."""
        gt, self.greenthread = self.greenthread, None
        if gt is not None:
            gt.kill()
        super().stop()

    def is_alive(self) -> bool:
        """Whether the handler green thread is running."""
        return self.greenthread is not None and not self.greenthread.dead

    def __enter__(self) -> "EventletAuthenticator":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
