"""logging over ZeroMQ: a handler that publishes records on a PUB socket.

Each record goes out as a two-part message ``[topic, text]``. The topic is
``<root_topic>.<LEVELNAME>.<sub-topic>`` (empty parts left out), so subscribers filter
by prefix: ``b"app.ERROR"`` gets only errors of the ``app`` root topic. A sub-topic
comes from a message written as ``"sub.topic::text"`` (what :class:`TopicLogger.log`
produces).

``python -m greenzmq.log tcp://host:port`` prints such records as they arrive.

Example
-------
>>> handler = PUBHandler("tcp://127.0.0.1:5555", root_topic="app")   # doctest: +SKIP
>>> logging.getLogger().addHandler(handler)                           # doctest: +SKIP
"""
from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING, Any

from greenzmq.constants import PUB

if TYPE_CHECKING:  # pragma: no cover
    from greenzmq.core.context import Context
    from greenzmq.core.socket import Socket

__all__ = ["PUBHandler", "TopicLogger", "TOPIC_DELIM"]

#: separates a sub-topic from the message text in a log call's message
TOPIC_DELIM = "::"

_PLAIN = "%(message)s\n"
_LOCATED = "%(levelname)s %(filename)s:%(lineno)d - %(message)s\n"


class PUBHandler(logging.Handler):
    """A logging handler that publishes each record on a ZeroMQ PUB socket.

    Parameters
    ----------
    interface_or_socket : str or Socket
        An endpoint to bind a new PUB socket to (``"tcp://*:5555"``), or a socket to
        publish on. Any socket with ``send_multipart`` works, including the green
        sockets of ``greenzmq.green_gevent`` and ``greenzmq.green_eventlet``, so a
        handler used inside gevent or eventlet code never blocks the hub.
    context : Context, optional
        The context for a socket the handler creates; default a new
        ``greenzmq.Context()`` of the handler's own (as in pyzmq).
    root_topic : str or bytes
        The first part of every topic; '' for none (bytes are UTF-8 decoded, as in pyzmq).

    Notes
    -----
    Each level has its own formatter (``self.formatters``): INFO records carry only
    the message; the other levels add the level, file and line. Change them with
    :meth:`setFormatter`. A socket the handler created is closed by :meth:`close`;
    one passed in is left to its owner.
    """

    socket: "Socket"
    ctx: "Context | None"

    def __init__(self, interface_or_socket: "str | Socket", context: "Context | None" = None,
                 root_topic: str = "") -> None:
        super().__init__()
        self.root_topic = root_topic  # validated by the property
        self.formatters: dict[int, logging.Formatter] = {
            logging.DEBUG: logging.Formatter(_LOCATED),
            logging.INFO: logging.Formatter(_PLAIN),
            logging.WARNING: logging.Formatter(_LOCATED),
            logging.ERROR: logging.Formatter(_LOCATED),
            logging.CRITICAL: logging.Formatter(_LOCATED),
        }
        if isinstance(interface_or_socket, str):
            if context is None:
                import greenzmq

                context = greenzmq.Context()
            self.ctx = context
            self.socket = context.socket(PUB)
            try:
                self.socket.bind(interface_or_socket)
            except BaseException:
                self.socket.close(linger=0)
                raise
            self._owns_socket = True
        elif callable(getattr(interface_or_socket, "send_multipart", None)):
            self.socket = interface_or_socket
            self.ctx = getattr(interface_or_socket, "context", None)
            self._owns_socket = False
        else:
            raise TypeError("PUBHandler needs an endpoint string or a socket, not "
                            f"{type(interface_or_socket).__name__}")

    @property
    def root_topic(self) -> str:
        """The first part of every topic ('' for none)."""
        return self._root_topic

    @root_topic.setter
    def root_topic(self, value: str | bytes) -> None:
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if not isinstance(value, str):
            raise TypeError(f"root_topic must be a str or bytes, not {type(value).__name__}")
        self._root_topic = value

    def setRootTopic(self, root_topic: str | bytes) -> None:  # noqa: N802 - logging's naming
        """Set :attr:`root_topic` (pyzmq's spelling)."""
        self.root_topic = root_topic

    # fmt=None (logging.Handler's "default formatter") is a TypeError here: override on purpose
    def setFormatter(  # type: ignore[override]  # noqa: N802 - logging's naming
        self, fmt: logging.Formatter, level: int | None = None
    ) -> None:
        """Use ``fmt`` for records of ``level``, or of every level when None/NOTSET."""
        if isinstance(fmt, (str, bytes)) or not callable(getattr(fmt, "format", None)):
            raise TypeError(f"fmt must be a logging.Formatter, not {type(fmt).__name__}")
        if level is None or level == logging.NOTSET:
            for known in self.formatters:
                self.formatters[known] = fmt
            self.formatter = fmt  # also for custom levels
        elif isinstance(level, int) and not isinstance(level, bool):
            self.formatters[level] = fmt
        else:
            raise TypeError(f"level must be an int or None, not {type(level).__name__}")

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record`` with the formatter of its level."""
        fmt = self.formatters.get(record.levelno)
        if fmt is None:
            if self.formatter is not None:
                fmt = self.formatter
            else:
                # a custom level: use the formatter of the closest standard level below
                below = [lvl for lvl in self.formatters if lvl <= record.levelno]
                fmt = self.formatters[max(below)] if below else logging.Formatter(_PLAIN)
        return fmt.format(record)

    def emit(self, record: logging.LogRecord) -> None:
        """Publish ``record`` as ``[topic, formatted text]``."""
        try:
            subtopic = ""
            if isinstance(record.msg, str) and TOPIC_DELIM in record.msg:
                subtopic, text = record.msg.split(TOPIC_DELIM, 1)
                # other handlers see the record too: change only a copy
                record = copy.copy(record)
                record.msg = text
            body = self.format(record).encode("utf-8", "replace")
            parts = [p for p in (self._root_topic, record.levelname, subtopic) if p]
            topic = ".".join(parts).encode("utf-8", "replace")
            self.socket.send_multipart([topic, body])
        except RecursionError:  # as logging's own handlers do
            raise
        except Exception:  # noqa: BLE001 - logging's contract: handleError, never raise
            self.handleError(record)

    def close(self) -> None:
        """Detach the handler; close the socket if the handler created it."""
        try:
            if getattr(self, "_owns_socket", False) and not self.socket.closed:
                self.socket.close()
        finally:
            super().close()


class TopicLogger(logging.Logger):
    """A Logger whose :meth:`log` takes a sub-topic for :class:`PUBHandler`.

    ``logger.log(logging.INFO, "db.query", "took %d ms", 12)`` publishes
    ``"took 12 ms"`` under ``<root>.INFO.db.query``. The level methods
    (``info``, ``error`` ...) stay the standard ones; a ``"topic::text"`` message
    sets the sub-topic there too.
    """

    def log(self, level: int, topic: str, msg: Any, *args: Any,  # type: ignore[override]
            **kwargs: Any) -> None:
        """Log ``msg % args`` at ``level`` under the sub-topic ``topic``."""
        if not isinstance(topic, str):
            raise TypeError(f"topic must be a str, not {type(topic).__name__}")
        # report the caller of this method, not this file, as the record's origin
        kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + 1
        super().log(level, f"{topic}{TOPIC_DELIM}{msg}", *args, **kwargs)
