"""ZAP served by an eventlet green thread: :class:`EventletAuthenticator` (no OS thread)."""
from __future__ import annotations

import eventlet

import greenzmq.green_eventlet

from ._greenlet import GreenAuthenticator

__all__ = ["EventletAuthenticator"]


class EventletAuthenticator(GreenAuthenticator):
    """An Authenticator served by an eventlet green thread (see GreenAuthenticator)."""

    _green = greenzmq.green_eventlet
    _spawn = staticmethod(eventlet.spawn)
    _kill = staticmethod(lambda gt: gt.kill())
