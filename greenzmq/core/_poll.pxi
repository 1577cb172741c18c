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


cdef struct _pollop:
    zmq_pollitem_t *items
    int n         # the caller's items; the sockets' wake-up fds follow them
    int nwake
    long ms       # -1: no timeout
    double deadline


cdef int _poll_wait(void *arg) noexcept nogil:
    cdef _pollop *op = <_pollop *>arg
    cdef int rc, i
    rc = c_zmq_poll(op.items, op.n + op.nwake, _ms_left(op.deadline, op.ms))
    if rc > 0:
        for i in range(op.n, op.n + op.nwake):
            if op.items[i].revents:
                return _WOKEN
    return rc


def zmq_poll(sockets, timeout=None):
    """Poll ``[(socket_or_fd, events), ...]``; return ``[(socket_or_fd, revents), ...]``
    (an object with ``fileno()`` comes back as that fd, as in pyzmq).

    ``timeout`` is in milliseconds; None or a negative value waits forever. The GIL is
    released while waiting; a signal runs Python's handlers and the poll goes on.
    """
    cdef Py_ssize_t i, n, nsocks
    cdef zmq_pollitem_t *items
    cdef long ms
    cdef int rc
    cdef _pollop op
    items_list = list(sockets)
    n = len(items_list)
    socks = tuple({o: None for o, _ in items_list if isinstance(o, Socket)})
    nsocks = len(socks)
    if timeout is None:
        ms = -1
    else:
        if not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a number of ms or None, not %s"
                            % type(timeout).__name__)
        ms = <long>timeout if timeout >= 0 else -1
    items = <zmq_pollitem_t *>malloc((n + nsocks + 1) * sizeof(zmq_pollitem_t))
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
        if ms == 0:
            # nothing to wait for: no GIL release (EINTR cannot happen without a wait)
            _check_rc(c_zmq_poll(items, n, 0))
        else:
            op.items, op.n, op.nwake, op.ms = items, n, 0, ms
            op.deadline = gz_monotonic() + ms / 1000.0
            for i in range(nsocks):
                # close() from another thread wakes the poll through the socket's fd
                items[n + op.nwake].fd = _wake_fd(<Socket>socks[i])
                if items[n + op.nwake].fd >= 0:
                    items[n + op.nwake].socket = NULL
                    items[n + op.nwake].events = ZMQ_POLLIN
                    items[n + op.nwake].revents = 0
                    op.nwake += 1
            _blocking(socks, _poll_wait, &op)
        # as pyzmq (and select.poll): a socket comes back as itself, anything else as its fd
        return [(items_list[i][0] if items[i].socket != NULL else items[i].fd, items[i].revents)
                for i in range(n) if items[i].revents]
    finally:
        free(items)
