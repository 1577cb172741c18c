# zmq_poll over sockets and plain file descriptors.

cdef int _as_fd(object obj) except -1:
    fd = obj
    if not isinstance(fd, int):
        fd = obj.fileno() if hasattr(obj, "fileno") else None
        if not isinstance(fd, int):
            raise TypeError("cannot poll %r: need a Socket, an int fd or an object with "
                            "fileno()" % (obj,))
    if not 0 <= fd < 2**31:
        raise ValueError("cannot poll %r: not a valid file descriptor" % (obj,))
    return fd


def zmq_poll(sockets, timeout=None):
    """Poll ``[(socket_or_fd, events), ...]``; return ``[(socket_or_fd, revents), ...]``.

    ``timeout`` is in milliseconds; None or a negative value waits forever. The GIL is
    released while waiting; a signal runs Python's handlers and the poll goes on.
    """
    cdef Py_ssize_t i, n
    cdef zmq_pollitem_t *items
    cdef long ms
    cdef int rc, err = 0
    cdef double deadline = 0
    items_list = list(sockets)
    n = len(items_list)
    if timeout is None:
        ms = -1
    else:
        if not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a number of ms or None, not %s"
                            % type(timeout).__name__)
        ms = <long>timeout if timeout >= 0 else -1
    items = <zmq_pollitem_t *>malloc((n if n else 1) * sizeof(zmq_pollitem_t))
    if items == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            obj, events = items_list[i]
            if isinstance(obj, Socket):
                (<Socket>obj)._check_open()
                items[i].socket = (<Socket>obj).handle
                items[i].fd = 0
            else:
                items[i].socket = NULL
                items[i].fd = _as_fd(obj)
            items[i].events = events
            items[i].revents = 0
        if ms > 0:
            deadline = gz_monotonic() + ms / 1000.0
        while True:
            if ms == 0:
                rc = c_zmq_poll(items, n, 0)
                if rc < 0:
                    err = c_zmq_errno()
            else:
                # a socket polled by this thread must not be closed by another meanwhile
                socks = [o for o, _ in items_list if isinstance(o, Socket)]
                for o in socks:
                    (<Socket>o)._busy += 1
                with nogil:
                    rc = c_zmq_poll(items, n, ms)
                    if rc < 0:
                        err = c_zmq_errno()
                for o in socks:
                    (<Socket>o)._busy -= 1
                    (<Socket>o)._blocking_done()
            if rc >= 0 or err != EINTR:
                break
            PyErr_CheckSignals()
            if ms > 0:
                ms = <long>((deadline - gz_monotonic()) * 1000)
                if ms <= 0:
                    ms = 0
        if rc < 0:
            _raise(err)
        return [(items_list[i][0], items[i].revents) for i in range(n) if items[i].revents]
    finally:
        free(items)
