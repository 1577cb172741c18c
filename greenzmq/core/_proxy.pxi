# proxy, proxy_steerable and device: libzmq's loops, GIL released.

cdef int _run_proxy(Socket frontend, Socket backend, Socket capture, Socket control) except -1:
    cdef void *f
    cdef void *b
    cdef void *c = NULL
    cdef void *k = NULL
    cdef int rc, err = 0
    socks = [s for s in (frontend, backend, capture, control) if s is not None]
    for s in socks:
        (<Socket>s)._check_open()
    f, b = frontend.handle, backend.handle
    if capture is not None:
        c = capture.handle
    if control is not None:
        k = control.handle
    while True:
        for s in socks:
            (<Socket>s)._busy += 1
        with nogil:
            if k != NULL:
                rc = zmq_proxy_steerable(f, b, c, k)
            else:
                rc = zmq_proxy(f, b, c)
            if rc < 0:
                err = c_zmq_errno()
        for s in socks:
            (<Socket>s)._busy -= 1
            (<Socket>s)._blocking_done()
        if rc >= 0:
            return rc
        if err != EINTR:
            break
        PyErr_CheckSignals()
    _raise(err)


def proxy(Socket frontend not None, Socket backend not None, Socket capture=None):
    """Forward messages between frontend and backend (copying to capture) until the
    context is terminated (raises ContextTerminated). Releases the GIL."""
    _run_proxy(frontend, backend, capture, None)


def proxy_steerable(Socket frontend not None, Socket backend not None, Socket capture=None,
                    Socket control=None):
    """proxy() that obeys PAUSE, RESUME, TERMINATE and STATISTICS on ``control``.

    Returns when TERMINATE arrives."""
    _run_proxy(frontend, backend, capture, control)


def device(int device_type, Socket frontend not None, Socket backend not None):
    """The old device API: QUEUE, FORWARDER or STREAMER, all run as proxy()."""
    if device_type not in (1, 2, 3):
        raise ValueError("device_type must be QUEUE, FORWARDER or STREAMER, not %r" % device_type)
    _run_proxy(frontend, backend, None, None)
