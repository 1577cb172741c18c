"""ZAP in a background OS thread: :class:`ThreadAuthenticator`.

The thread is a real OS thread even after ``gevent.monkey.patch_all()`` or
``eventlet.monkey_patch()``: it blocks in libzmq with the GIL released, which
a greenlet must never do.
"""
from __future__ import annotations

import itertools
import logging
from typing import Any

import greenzmq
from greenzmq._realthread import real_thread_primitives as _real_thread_primitives
from greenzmq.error import ZMQError

from .base import Authenticator

__all__ = ["ThreadAuthenticator"]

_counter = itertools.count()


class ThreadAuthenticator(Authenticator):
    """An :class:`~greenzmq.auth.base.Authenticator` served by a background thread.

    Parameters
    ----------
    context : Context, optional
        The context to authenticate; ``Context.instance()`` when omitted.
        A green context works too: the thread uses plain sockets on it.
    encoding : str
        Encoding of PLAIN credentials and user ids.
    log : logging.Logger, optional
        Logger for decisions.

    Examples
    --------
    >>> auth = ThreadAuthenticator(ctx)
    >>> auth.start()
    >>> auth.allow("127.0.0.1")
    >>> auth.configure_plain(domain="*", passwords={"admin": "secret"})
    >>> ...
    >>> auth.stop()
    """

    pipe: Any
    thread_id: int | None

    def __init__(self, context: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        super().__init__(context, encoding, log)
        self.pipe = None
        self.thread_id = None
        self._pipe_endpoint = ""
        self._done: Any = None
        # a plain socket: the thread blocks in libzmq, never in a hub
        self._socket_class = greenzmq.Socket

    def start(self) -> None:
        """Start the thread and bind the ZAP socket.

        Returns once the thread serves ZAP requests.

        Raises
        ------
        ZMQError
            If the ZAP endpoint is already bound in this context (another
            authenticator runs).
        """
        if self.pipe is not None:
            raise RuntimeError("authenticator is already started")
        start_new_thread, allocate_lock = _real_thread_primitives()
        self._pipe_endpoint = f"inproc://greenzmq.auth.thread-{id(self):x}-{next(_counter)}"
        pipe = self.context.socket(greenzmq.PAIR, socket_class=greenzmq.Socket)
        pipe.linger = 0
        pipe.bind(self._pipe_endpoint)
        # bind the ZAP socket here so that EADDRINUSE reaches the caller;
        # libzmq lets a socket move to another thread (with a memory barrier,
        # which the thread start gives)
        try:
            super().start()
        except BaseException:
            pipe.close(linger=0)
            raise
        self.pipe = pipe
        started, done = allocate_lock(), allocate_lock()
        started.acquire()
        done.acquire()
        self._done = done
        self.thread_id = start_new_thread(self._run, (started, done))
        started.acquire()
        started.release()

    def _run(self, started: Any, done: Any) -> None:
        pipe = zap = None
        try:
            pipe = self.context.socket(greenzmq.PAIR, socket_class=greenzmq.Socket)
            pipe.linger = 0
            pipe.connect(self._pipe_endpoint)
            zap = self.zap_socket
            poller = greenzmq.Poller()
            poller.register(pipe, greenzmq.POLLIN)
            poller.register(zap, greenzmq.POLLIN)
            started.release()
            started = None
            while True:
                try:
                    events = dict(poller.poll())
                except ZMQError as e:
                    # ETERM: the context is ending; ENOTSOCK: a socket was closed
                    if e.errno in (greenzmq.ETERM, greenzmq.ENOTSOCK):
                        break
                    raise
                if pipe in events:
                    if pipe.recv() == b"TERMINATE":
                        break
                if zap in events:
                    try:
                        msg = zap.recv_multipart(greenzmq.NOBLOCK)
                    except greenzmq.Again:
                        continue
                    self.handle_zap_message(msg)
        except ZMQError as e:
            if e.errno not in (greenzmq.ETERM, greenzmq.ENOTSOCK):
                self.log.exception("ZAP thread failed")
        except Exception:
            self.log.exception("ZAP thread failed")
        finally:
            if started is not None:
                started.release()
            # the sockets belong to this thread now: close them here
            sock, self.zap_socket = self.zap_socket, None
            try:
                if sock is not None:
                    self._close_zap_socket(sock)
                if pipe is not None:
                    pipe.close(linger=0)
            except ZMQError:
                pass
            done.release()

    def stop(self) -> None:
        """Stop the thread and close its sockets; waits for the thread to end."""
        pipe, self.pipe = self.pipe, None
        done, self._done = self._done, None
        if pipe is None:
            return
        try:
            pipe.send(b"TERMINATE", greenzmq.NOBLOCK)
        except ZMQError:
            # the thread is already gone (context terminated)
            pass
        if done is not None:
            done.acquire()
            done.release()
        pipe.close(linger=0)
        self.thread_id = None

    def is_alive(self) -> bool:
        """Whether the ZAP thread is running."""
        done = self._done
        return done is not None and done.locked()

    def __enter__(self) -> "ThreadAuthenticator":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
