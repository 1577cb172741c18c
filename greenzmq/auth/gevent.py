"""ZAP served by a gevent greenlet: :class:`GeventAuthenticator` (no OS thread)."""
from __future__ import annotations

import gevent

import greenzmq.green_gevent

from ._greenlet import GreenAuthenticator

__all__ = ["GeventAuthenticator"]


class GeventAuthenticator(GreenAuthenticator):
    """An Authenticator served by a gevent greenlet (see GreenAuthenticator)."""

    _green = greenzmq.green_gevent
    _spawn = staticmethod(gevent.spawn)
    _kill = staticmethod(lambda glet: glet.kill(block=True))
