# Errors: libzmq errno -> the pyzmq exception classes; text arguments.

def strerror(int errno):
    """The message libzmq gives for an errno."""
    return zmq_strerror(errno).decode("utf-8", "replace")


def zmq_errno():
    """libzmq's errno for the calling thread."""
    return c_zmq_errno()


cdef object _new_exception = BaseException.__new__
cdef str _eagain_text = zmq_strerror(EAGAIN).decode("utf-8", "replace")


cdef int _raise(int err, object detail=None) except -1:
    if err == EAGAIN and detail is None:
        # every wait of the cooperative layers starts here (the NOBLOCK try said EAGAIN):
        # built without ZMQError's Python __new__/__init__ chain, ~2 µs of a ~4 µs raise;
        # the result is what Again() builds (same args, errno, strerror)
        e = _new_exception(Again, _eagain_text)
        e.errno = EAGAIN
        e.strerror = _eagain_text
        raise e
    msg = None
    if detail is not None:
        msg = "%s (%s)" % (zmq_strerror(err).decode("utf-8", "replace"), detail)
    if err == EAGAIN:
        raise Again(err, msg)
    if err == ETERM:
        raise ContextTerminated(err, msg)
    if err == EINTR:
        raise InterruptedSystemCall(err, msg)
    raise ZMQError(err, msg)


cdef inline int _check_rc(int rc) except -1:
    if rc < 0:
        _raise(c_zmq_errno())
    return 0


cdef inline bytes _b(object s, str what):
    if isinstance(s, str):
        return (<str>s).encode("utf-8")
    if isinstance(s, bytes):
        return s
    raise TypeError("%s must be str or bytes, not %s" % (what, type(s).__name__))
