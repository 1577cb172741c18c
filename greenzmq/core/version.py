"""Old module path: greenzmq.core.version."""
from greenzmq.core._zmq import zmq_version, zmq_version_info

__all__ = ["zmq_version", "zmq_version_info"]
