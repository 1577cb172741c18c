"""ZAP served by an asyncio task: :class:`AsyncioAuthenticator` (pyzmq's zmq.auth.asyncio)."""
from __future__ import annotations

import asyncio
import inspect
import logging
import warnings
from typing import Any

import greenzmq
from greenzmq.error import Again, ZMQError
from greenzmq.utils import z85

from .base import Authenticator

__all__ = ["AsyncioAuthenticator"]


class AsyncioAuthenticator(Authenticator):
    """An :class:`~greenzmq.auth.base.Authenticator` served by a task on the running loop.

    A CURVE credentials provider's ``callback`` may be a coroutine function here.

    Parameters
    ----------
    context : Context, optional
        The context to authenticate; ``Context.instance()`` when omitted.
    loop : ignored
        Deprecated (as in pyzmq): the running loop is used.
    encoding : str
        Encoding of PLAIN credentials and user ids.
    log : logging.Logger, optional
        Logger for decisions.
    """

    def __init__(self, context: Any = None, loop: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        super().__init__(context, encoding, log)
        if loop is not None:
            warnings.warn(f"{type(self).__name__}(loop) is deprecated and ignored",
                          DeprecationWarning, stacklevel=2)
        # a plain socket, read without waiting once the asyncio Poller says so
        self._socket_class = greenzmq.Socket
        self._poller: Any = None
        self._task: Any = None
        self._curve_answers: dict[tuple[str, bytes], bool] = {}

    def start(self) -> None:
        """Bind the ZAP socket and start serving it in a task of the running loop."""
        from greenzmq.asyncio import Poller

        super().start()
        self._poller = Poller()
        self._poller.register(self.zap_socket, greenzmq.POLLIN)
        self._task = asyncio.ensure_future(self._serve_async())

    async def _serve_async(self) -> None:
        while self._poller is not None:
            await self._poller.poll()
            sock = self.zap_socket
            while sock is not None and not sock.closed:
                try:
                    msg = sock.recv_multipart(greenzmq.NOBLOCK)
                except Again:
                    break
                except ZMQError:
                    return
                try:
                    await self._await_curve_callback(msg)
                except Exception:  # noqa: BLE001 - handle_zap_message answers 500 below
                    self.log.exception("ZAP credentials callback failed")
                self.handle_zap_message(msg)
                sock = self.zap_socket

    async def _await_curve_callback(self, msg: list) -> None:
        # an async credentials callback is awaited here, before the (synchronous)
        # handler asks for its answer in _authenticate_curve
        if len(msg) < 7 or msg[5] != b"CURVE" or self.allow_any:
            return
        domain = bytes(msg[2]).decode(self.encoding, "replace")
        provider = self.credentials_providers.get(domain, self.credentials_providers.get("*"))
        if provider is None or not inspect.iscoroutinefunction(provider.callback):
            return
        key_z85 = z85.encode(bytes(msg[6]))
        self._curve_answers[(domain, key_z85)] = bool(await provider.callback(domain, key_z85))

    def _authenticate_curve(self, domain: str, client_key: bytes) -> tuple[bool, bytes]:
        answer = self._curve_answers.pop((domain, z85.encode(client_key)), None)
        if answer is None:
            return super()._authenticate_curve(domain, client_key)
        self.log.debug("%s (CURVE async auth_callback) domain=%s",
                       "ALLOWED" if answer else "DENIED", domain)
        return (True, b"OK") if answer else (False, b"Unknown key")

    def stop(self) -> None:
        """Stop serving and close the ZAP socket."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._poller is not None:
            if self.zap_socket is not None:
                self._poller.unregister(self.zap_socket)
            self._poller = None
        super().stop()

    def __enter__(self) -> "AsyncioAuthenticator":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
