"""Logging over ZeroMQ: :class:`~greenzmq.log.handlers.PUBHandler` publishes records,
``python -m greenzmq.log tcp://host:port`` prints them as they arrive."""
from __future__ import annotations

from greenzmq.log.handlers import TOPIC_DELIM, PUBHandler, TopicLogger

__all__ = ["PUBHandler", "TopicLogger", "TOPIC_DELIM"]
