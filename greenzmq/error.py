"""greenzmq exceptions, pyzmq-compatible."""
from __future__ import annotations

import errno as _errno

from greenzmq.constants import EAGAIN, EINTR, ETERM

__all__ = [
    "ZMQBaseError", "ZMQError", "Again", "ContextTerminated", "InterruptedSystemCall",
    "ZMQBindError", "NotDone", "ZMQVersionError", "DraftFDWarning",
]


def _strerror(errno: int) -> str:  # replaced by the core's libzmq strerror at import
    return _errno.errorcode.get(errno, str(errno))


def _zmq_errno() -> int:  # replaced by the core at import
    return 0


class ZMQBaseError(Exception):
    """Base of every greenzmq exception."""


class ZMQError(ZMQBaseError):
    """An error reported by libzmq, with its ``errno`` and ``strerror``.

    Parameters
    ----------
    errno : int, optional
        The errno; defaults to libzmq's current ``zmq_errno()``.
    msg : str, optional
        A message to use instead of ``strerror(errno)``.
    """

    errno: int | None = None
    strerror: str = ""

    def __new__(cls, errno=None, msg=None, *args, **kwargs):
        # ZMQError(EAGAIN) builds an Again, as in pyzmq, so `except Again` catches it
        if cls is ZMQError and errno in _subclasses:
            cls = _subclasses[errno]
        return super().__new__(cls)

    def __init__(self, errno: int | None = None, msg: str | None = None) -> None:
        if errno is None:
            errno = _zmq_errno()
        if isinstance(errno, int):
            self.errno = errno
            self.strerror = msg if msg is not None else _strerror(errno)
        else:  # ZMQError("message") as a plain error
            self.errno = None
            self.strerror = msg if msg is not None else str(errno)
        super().__init__(self.strerror)

    def __str__(self) -> str:
        return self.strerror

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.strerror!r})"

    def __reduce__(self):
        return (type(self), (self.errno, self.strerror))


class Again(ZMQError):
    """EAGAIN: the operation would block (NOBLOCK, or RCVTIMEO/SNDTIMEO expired).

    A green socket's expired RCVTIMEO/SNDTIMEO sets ``is_timeout`` (``eventlet.is_timeout``).
    """

    is_timeout: bool = False

    def __init__(self, errno: int | None = EAGAIN, msg: str | None = None) -> None:
        super().__init__(EAGAIN if errno is None else errno, msg)


class ContextTerminated(ZMQError):
    """ETERM: the context was terminated."""

    def __init__(self, errno: int | None = ETERM, msg: str | None = None) -> None:
        super().__init__(ETERM if errno is None else errno, msg)


class InterruptedSystemCall(ZMQError, InterruptedError):  # type: ignore[misc]
    # (OSError types strerror as str | None; ours is always a str)
    """EINTR: a call was interrupted by a signal."""

    def __init__(self, errno: int | None = EINTR, msg: str | None = None) -> None:
        super().__init__(EINTR if errno is None else errno, msg)


_subclasses = {EAGAIN: Again, ETERM: ContextTerminated, EINTR: InterruptedSystemCall}


class ZMQBindError(ZMQBaseError):
    """bind_to_random_port found no free port."""


class NotDone(ZMQBaseError):
    """MessageTracker.wait timed out."""


class ZMQVersionError(NotImplementedError):
    """A feature needs a newer libzmq than the one loaded."""

    def __init__(self, min_version: str, msg: str = "Feature") -> None:
        from greenzmq.core._zmq import zmq_version

        self.min_version = min_version
        self.msg = msg
        self.version = zmq_version()
        super().__init__(f"{msg} requires libzmq >= {min_version}, have {self.version}")


class DraftFDWarning(RuntimeWarning):
    """pyzmq warns with this when a thread-safe draft socket's FD is used (greenzmq
    binds no draft socket types, so it is never raised here; the name is for imports)."""


def _check_rc(rc: int, errno: int | None = None) -> int:
    """Raise the ZMQError for a failed libzmq return code.

    Not used by greenzmq itself (the core checks in C); pyzmq's ``zmq.error`` has it, and
    code written against pyzmq's backends imports it from there.
    """
    if rc < 0:
        raise ZMQError(errno)
    return rc

