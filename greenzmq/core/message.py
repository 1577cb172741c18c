"""Old module path: greenzmq.core.message (Frame, Message, MessageTracker)."""
from greenzmq.core._zmq import Frame, Message, MessageTracker

__all__ = ["Frame", "Message", "MessageTracker"]
