"""The ZAP handler served by a greenlet, written once for gevent and eventlet.

No OS thread: the handler waits on a green socket, so the hub keeps running other
greenlets while no request is pending.
"""
from __future__ import annotations

import logging
from types import ModuleType
from typing import Any, Callable

from .base import Authenticator


class GreenAuthenticator(Authenticator):
    """An :class:`~greenzmq.auth.base.Authenticator` served by a greenlet.

    Subclasses name the green module (``_green``) and how to spawn and kill a greenlet.

    Parameters
    ----------
    context : Context, optional
        The context to authenticate; the green module's ``Context.instance()`` when
        omitted. The handler always uses a green socket on it.
    encoding : str
        Encoding of PLAIN credentials and user ids.
    log : logging.Logger, optional
        Logger for decisions.
    """

    _green: ModuleType
    _spawn: Callable[..., Any]
    _kill: Callable[[Any], None]
    greenlet: Any

    def __init__(self, context: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        super().__init__(context, encoding, log)
        self.greenlet = None
        self._socket_class = self._green.Socket

    @classmethod
    def _default_context(cls) -> Any:
        return cls._green.Context.instance()

    def start(self) -> None:
        """Bind the ZAP socket and start serving it in a greenlet."""
        super().start()
        self.greenlet = type(self)._spawn(self._serve, self.zap_socket)

    def stop(self) -> None:
        """Stop the greenlet and close the ZAP socket."""
        glet, self.greenlet = self.greenlet, None
        if glet is not None:
            type(self)._kill(glet)
        super().stop()

    def is_alive(self) -> bool:
        """Whether the handler greenlet is running."""
        return self.greenlet is not None and not self.greenlet.dead

    def __enter__(self) -> "GreenAuthenticator":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
