"""Socket monitor messages: decode the events libzmq's zmq_socket_monitor sends.

A monitor message (event format version 1) has two frames: 6 bytes holding a
uint16 event number and a uint32 value, in the host's byte order, then the
endpoint the event concerns.
"""
from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any, Awaitable, Sequence, TypedDict, overload

from greenzmq.constants import Event

if TYPE_CHECKING:
    import greenzmq.asyncio

__all__ = ["parse_monitor_message", "recv_monitor_message", "MonitorMessage"]

# libzmq memcpy()s the fields, so they are in native order with no padding
_HEADER = struct.Struct("=HI")


class MonitorMessage(TypedDict):
    """One decoded monitor event."""

    event: int
    value: int
    endpoint: bytes


def _frame_bytes(frame: Any) -> bytes:
    if isinstance(frame, bytes):
        return frame
    # a Frame (recv with copy=False) exposes .bytes; other buffers go through bytes()
    data = getattr(frame, "bytes", None)
    if isinstance(data, bytes):
        return data
    try:
        return bytes(memoryview(frame))
    except TypeError:
        raise TypeError(f"monitor message frames must be bytes or Frames, "
                        f"not {type(frame).__name__}") from None


def parse_monitor_message(msg: Sequence[Any]) -> MonitorMessage:
    """Decode a two-frame monitor message.

    Parameters
    ----------
    msg : list of bytes or Frame
        The frames read from a monitor socket.

    Returns
    -------
    dict
        ``{'event': Event, 'value': int, 'endpoint': bytes}``.

    Raises
    ------
    ValueError
        If ``msg`` is not a two-frame event message with a 6-byte first frame.
    """
    if len(msg) != 2:
        raise ValueError(f"a monitor message has 2 frames, got {len(msg)}")
    header = _frame_bytes(msg[0])
    if len(header) != _HEADER.size:
        raise ValueError(
            f"a monitor event frame is {_HEADER.size} bytes, got {len(header)}: {header!r}"
        )
    event, value = _HEADER.unpack(header)
    return {"event": Event(event), "value": value, "endpoint": _frame_bytes(msg[1])}


@overload
def recv_monitor_message(
    socket: greenzmq.asyncio.Socket, flags: int = 0
) -> Awaitable[MonitorMessage]: ...
@overload
def recv_monitor_message(socket: Any, flags: int = 0) -> MonitorMessage: ...
def recv_monitor_message(
    socket: Any, flags: int = 0
) -> MonitorMessage | Awaitable[MonitorMessage]:
    """Receive one event from a monitor socket and decode it.

    Parameters
    ----------
    socket : Socket
        The PAIR socket connected to a monitor address (e.g. from
        ``Socket.get_monitor_socket()``). A green socket waits greenly.
    flags : int
        Flags for ``recv_multipart`` (``NOBLOCK`` raises ``Again`` when no
        event is waiting).

    Returns
    -------
    dict
        ``{'event': Event, 'value': int, 'endpoint': bytes}``; from a socket whose
        ``recv_multipart`` returns a Future (``greenzmq.asyncio``), a Future of it.
    """
    msg = socket.recv_multipart(flags)
    if isinstance(msg, list):
        return parse_monitor_message(msg)
    import asyncio

    # an asyncio socket: chain a future that decodes the frames (as pyzmq)
    out = asyncio.get_running_loop().create_future()

    def done(f: Any) -> None:
        if out.cancelled():
            return
        if f.cancelled():
            out.cancel()
        elif f.exception() is not None:
            out.set_exception(f.exception())
        else:
            out.set_result(parse_monitor_message(f.result()))

    msg.add_done_callback(done)
    return out
