# Versions, capabilities, CURVE keys, Stopwatch; two primitives of the compiled layers.

from cpython.object cimport PyObject_Call
from cpython.pythread cimport PyThread_get_thread_ident


cpdef unsigned long _thread_ident() noexcept:
    """The calling OS thread's ident (``threading.get_ident()``, without the int object
    when called from Cython)."""
    return PyThread_get_thread_ident()


cpdef object _call_kw(object fn, dict kw):
    """``fn(**kw)`` with ``kw`` itself, not a copy; for callees that do not keep or change
    it (``asyncio.Future(loop=...)`` per message: the copy was ~4% of a message)."""
    return PyObject_Call(fn, (), kw)


def zmq_version_info():
    """libzmq's version as (major, minor, patch)."""
    cdef int major = 0, minor = 0, patch = 0
    c_zmq_version(&major, &minor, &patch)
    return (major, minor, patch)


def zmq_version():
    """libzmq's version as a string, e.g. '4.3.4'."""
    return "%i.%i.%i" % zmq_version_info()


def has(capability):
    """Whether libzmq was built with a capability: 'ipc', 'pgm', 'tipc', 'norm', 'curve',
    'gssapi', 'draft'."""
    cdef bytes cap = _b(capability, "capability")
    return zmq_has(cap) == 1


def curve_keypair():
    """A new CURVE keypair as (public, secret), each 40 bytes of Z85 text."""
    cdef char public[41]
    cdef char secret[41]
    if zmq_curve_keypair(public, secret) < 0:
        _raise(c_zmq_errno(), "libzmq was built without CURVE" if not has("curve") else None)
    return public[:40], secret[:40]


def curve_public(secret_key):
    """The Z85 public key for a Z85 CURVE secret key (40 bytes or str)."""
    cdef char public[41]
    cdef bytes sk = _b(secret_key, "secret_key")
    if len(sk) != 40:
        raise ValueError("a Z85 CURVE secret key is 40 characters, not %d" % len(sk))
    if zmq_curve_public(public, sk) < 0:
        err = c_zmq_errno()
        if err == EINVAL:
            raise ValueError("not a valid Z85 CURVE secret key: %r" % (sk,))
        _raise(err, "libzmq was built without CURVE" if not has("curve") else None)
    return public[:40]


cdef class Stopwatch:
    """A microsecond stopwatch: start(), then stop() returns the elapsed µs."""

    cdef double _start
    cdef bint _running

    def start(self):
        """Start the stopwatch (ZMQError if it already runs)."""
        if self._running:
            raise ZMQError(EINVAL, "Stopwatch is already running")
        self._running = True
        self._start = gz_monotonic()

    def stop(self):
        """Stop and return the µs since start() (ZMQError if it is not running)."""
        if not self._running:
            raise ZMQError(EINVAL, "Stopwatch must be started before it is stopped")
        self._running = False
        return int((gz_monotonic() - self._start) * 1e6)

    def sleep(self, seconds):
        """Sleep, releasing the GIL (time.sleep)."""
        import time
        time.sleep(seconds)
