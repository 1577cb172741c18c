"""Old module path: greenzmq.core.stopwatch."""
from greenzmq.core._zmq import Stopwatch

__all__ = ["Stopwatch"]
