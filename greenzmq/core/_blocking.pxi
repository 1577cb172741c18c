# The one blocking path. Every call that may wait in libzmq runs through _blocking(): it
# counts its sockets busy, waits with the GIL released, runs Python's signal handlers and
# retries on EINTR, and ends a wait that close() from another thread interrupted. Fast
# paths (NOBLOCK, a first DONTWAIT try that succeeds) never come here.
#
# Closing a socket another thread is blocked in would make libzmq abort (its signaler
# asserts), so close() never frees it then: it hands the libzmq handle to the blocked call
# (Socket._handoff) and writes the socket's wake-up eventfd, which every wait polls next to
# its sockets; the last blocked call out closes the socket and raises ZMQError(ENOTSOCK).

cdef enum:
    _WOKEN = -2  # a wait ended by the wake-up of a socket that close() handed over

# a single-socket call, retried with DONTWAIT until it completes (see _sockop_wait)
cdef enum:
    _OP_SEND = 0      # zmq_send(buf, n)
    _OP_MSG_SEND = 1  # zmq_msg_send(msg)
    _OP_MSG_RECV = 2  # zmq_msg_recv(msg)
    _OP_RECV = 3      # zmq_recv(buf, n)

ctypedef int (*_wait_fn)(void *arg) noexcept nogil


cdef struct _sockop:
    int kind
    void *handle
    void *buf
    size_t n
    zmq_msg_t *msg
    int flags      # the caller's flags: with DONTWAIT, one try and no wait
    int want       # ZMQ_POLLIN or ZMQ_POLLOUT
    int tried      # the first DONTWAIT try is done (the caller's fast path, or an earlier round)
    int wakefd     # the socket's wake-up eventfd, or -1 (poll ignores it then)
    int timeout    # RCVTIMEO/SNDTIMEO (ms), -1: none
    double deadline


cdef inline int _raise_closed() except -1:
    raise ZMQError(ENOTSOCK, "Socket operation on a closed socket")


cdef inline int _open(Socket s) except -1:
    # the one open check (inline: the send/recv fast paths use it)
    if s.handle == NULL:
        _raise_closed()
    return 0


cdef inline int _sockop_try(_sockop *op) noexcept nogil:
    cdef int f = op.flags | ZMQ_DONTWAIT
    if op.kind == _OP_SEND:
        return zmq_send(op.handle, op.buf, op.n, f)
    if op.kind == _OP_MSG_SEND:
        return zmq_msg_send(op.msg, op.handle, f)
    if op.kind == _OP_MSG_RECV:
        return zmq_msg_recv(op.msg, op.handle, f)
    return zmq_recv(op.handle, op.buf, op.n, f)


cdef int _ms_left(double deadline, int timeout) noexcept nogil:
    """Milliseconds left until deadline (rounded up), or -1 without a timeout."""
    cdef double left
    if timeout < 0:
        return -1
    left = (deadline - gz_monotonic()) * 1000.0
    return <int>left + 1 if left > 0 else 0


cdef int _sockop_wait(void *arg) noexcept nogil:
    """Run a _sockop until it completes, waiting on ZMQ_FD and the wake-up fd.

    This is libzmq's own blocking loop (try, then sleep until a command arrives) with a
    second fd to wake it. Returns the op's result, -1 with errno (EAGAIN at the timeout,
    EINTR on a signal) or _WOKEN.
    """
    cdef _sockop *op = <_sockop *>arg
    cdef pollfd fds[2]
    cdef int rc, events = 0, zfd = -1, ms
    cdef size_t sz
    cdef bint stale = False
    if not op.tried:
        op.tried = 1
        rc = _sockop_try(op)
        if rc >= 0 or c_zmq_errno() != EAGAIN or op.flags & ZMQ_DONTWAIT:
            return rc
    sz = sizeof(int)
    if zmq_getsockopt(op.handle, ZMQ_FD, &zfd, &sz) < 0:
        return -1
    fds[0].fd = zfd
    fds[1].fd = op.wakefd
    while True:
        if not stale:
            # processes pending commands (so ZMQ_FD goes quiet until the next one)
            sz = sizeof(int)
            if zmq_getsockopt(op.handle, ZMQ_EVENTS, &events, &sz) < 0:
                return -1
            if events & op.want:
                rc = _sockop_try(op)
                if rc >= 0 or c_zmq_errno() != EAGAIN:
                    return rc
                # ready, yet refused (ROUTER_MANDATORY with one full peer): sleep until the
                # next command instead of spinning, as libzmq's blocking call does
                stale = True
        ms = _ms_left(op.deadline, op.timeout)
        if ms == 0:
            gz_errno_set(EAGAIN)
            return -1
        fds[0].events = fds[1].events = POLLIN
        fds[0].revents = fds[1].revents = 0
        rc = poll(fds, 2, ms)
        if rc < 0:
            return -1
        if fds[1].revents:
            return _WOKEN
        stale = False


cdef int _blocking(tuple socks, _wait_fn fn, void *arg) except -1:
    """The one blocking path: run ``fn(arg)`` without the GIL until it returns >= 0.

    ``socks`` are the sockets fn uses; they count busy meanwhile (fn also polls their
    wake-up fds and returns _WOKEN when one fires). EINTR runs Python's signal handlers and
    calls fn again (fn keeps its progress in arg); a socket closed meanwhile ends the call
    with ZMQError(ENOTSOCK), and the last blocked call out closes the sockets handed to it.
    """
    cdef Socket s
    cdef int rc, err
    cdef bint handed_over, destroyed
    while True:
        for s in socks:
            s._busy += 1
        with nogil:
            rc = fn(arg)
            err = c_zmq_errno() if rc == -1 else 0
        handed_over = destroyed = False
        for s in socks:
            s._busy -= 1
            handed_over = handed_over or s._handoff != NULL
            destroyed = destroyed or s._close_on_return
        for s in socks:
            s._blocking_done()
        if rc >= 0:
            return rc
        if rc == _WOKEN or handed_over:
            raise ZMQError(ENOTSOCK, "Socket closed by another thread while this call was "
                                     "blocked in it")
        if destroyed and err == EINTR:
            err = ETERM  # destroy() caught us between two rounds: end as the round would have
        if err != EINTR:
            _raise(err)
        PyErr_CheckSignals()
        for s in socks:
            _open(s)


cdef int _wake_fd(Socket s) noexcept:
    """The socket's wake-up eventfd, made on its first blocking wait; -1 when none can be
    made (at the fd limit: the call still works, close() from elsewhere then says EBUSY)."""
    if s._wakefd < 0:
        s._wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)
    return s._wakefd


cdef int _sockop_block(Socket s, int kind, void *buf, size_t n, zmq_msg_t *msg, int flags,
                       int want, bint tried) except -1:
    """The blocking path of send/recv on one socket (the caller owns msg: it closes it when
    this raises). ``tried``: the caller's DONTWAIT try already said EAGAIN."""
    cdef _sockop op
    cdef size_t sz = sizeof(int)
    op.kind, op.handle, op.buf, op.n, op.msg = kind, s.handle, buf, n, msg
    op.flags, op.want, op.tried = flags, want, tried
    op.timeout = -1
    op.wakefd = -1
    if not flags & ZMQ_DONTWAIT:
        if zmq_getsockopt(s.handle, ZMQ_RCVTIMEO if want == ZMQ_POLLIN else ZMQ_SNDTIMEO,
                          &op.timeout, &sz) < 0:
            _raise(c_zmq_errno())
        op.deadline = gz_monotonic() + op.timeout / 1000.0
        op.wakefd = _wake_fd(s)
    return _blocking((s,), _sockop_wait, &op)
