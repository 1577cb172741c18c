"""ZAP authentication (who may connect) and CURVE certificates.

The gevent, eventlet and tornado drivers live in ``greenzmq.auth.gevent``,
``greenzmq.auth.eventlet`` and ``greenzmq.auth.ioloop`` and import their
event loop only when imported.
"""
from .base import CURVE_ALLOW_ANY, Authenticator
from .certs import create_certificates, load_certificate, load_certificates

__all__ = ["Authenticator", "CURVE_ALLOW_ANY", "create_certificates",
           "load_certificate", "load_certificates"]
