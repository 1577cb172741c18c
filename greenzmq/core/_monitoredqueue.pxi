# monitored_queue: a two-way queue that copies every message to a monitor socket.
# The whole loop (poll, receive, forward, copy) runs in C with the GIL released.

from greenzmq.constants import ROUTER as _MQ_ROUTER


# messages relayed from one side per wakeup before the other side gets its turn
DEF _MQ_BURST = 256


cdef int _mq_send(void *s, zmq_msg_t *msg, int flags) noexcept nogil:
    # a message already started must be finished, so EINTR is simply retried here
    cdef int rc
    while True:
        rc = zmq_msg_send(msg, s, flags)
        if rc >= 0 or c_zmq_errno() != EINTR:
            return rc


cdef int _mq_recv(void *s, zmq_msg_t *msg) noexcept nogil:
    cdef int rc
    while True:
        rc = zmq_msg_recv(msg, s, 0)
        if rc >= 0 or c_zmq_errno() != EINTR:
            return rc


cdef int _mq_pass_frame(zmq_msg_t *frame, void *dst, void *mon, int more) noexcept nogil:
    """Send frame to dst and a copy to mon; frame is consumed either way. -1 on error."""
    cdef zmq_msg_t copy
    cdef int flags = ZMQ_SNDMORE if more else 0
    cdef int err
    zmq_msg_init(&copy)
    # the copy shares large payloads by reference count, so this costs no memcpy
    if zmq_msg_copy(&copy, frame) < 0 or _mq_send(dst, frame, flags) < 0:
        err = c_zmq_errno()
        zmq_msg_close(&copy)
        zmq_msg_close(frame)
        gz_errno_set(err)
        return -1
    if _mq_send(mon, &copy, flags) < 0:
        err = c_zmq_errno()
        zmq_msg_close(&copy)
        gz_errno_set(err)
        return -1
    return 0


cdef int _mq_relay(void *src, void *dst, void *mon, const char *prefix, size_t prefix_len,
                   bint swap_ids, zmq_msg_t *first) noexcept nogil:
    """Forward the message whose first frame is ``first`` (consumed), and copy it to mon
    behind the prefix frame. Returns 0, or -1 with c_zmq_errno() set."""
    cdef zmq_msg_t frame, second
    cdef int more, rc, err
    while True:
        rc = zmq_send(mon, prefix, prefix_len, ZMQ_SNDMORE)
        if rc >= 0 or c_zmq_errno() != EINTR:
            break
    if rc < 0:
        err = c_zmq_errno()
        zmq_msg_close(first)
        gz_errno_set(err)
        return -1
    more = zmq_msg_more(first)
    if swap_ids and more:
        # ROUTER to ROUTER: [sender id, recipient id, ...] leaves as [recipient, sender, ...]
        zmq_msg_init(&second)
        if _mq_recv(src, &second) < 0:
            err = c_zmq_errno()
            zmq_msg_close(&second)
            zmq_msg_close(first)
            gz_errno_set(err)
            return -1
        more = zmq_msg_more(&second)
        if _mq_pass_frame(&second, dst, mon, 1) < 0:
            err = c_zmq_errno()
            zmq_msg_close(first)
            gz_errno_set(err)
            return -1
        if _mq_pass_frame(first, dst, mon, more) < 0:
            return -1
    else:
        if _mq_pass_frame(first, dst, mon, more) < 0:
            return -1
    while more:
        zmq_msg_init(&frame)
        if _mq_recv(src, &frame) < 0:
            err = c_zmq_errno()
            zmq_msg_close(&frame)
            gz_errno_set(err)
            return -1
        more = zmq_msg_more(&frame)
        if _mq_pass_frame(&frame, dst, mon, more) < 0:
            return -1
    return 0


cdef int _mq_burst(void *src, void *dst, void *mon, const char *prefix, size_t prefix_len,
                   bint swap_ids) noexcept nogil:
    """Relay the messages src has ready (up to a burst). 0, or -1 with c_zmq_errno() set."""
    cdef zmq_msg_t first
    cdef int i, err
    for i in range(_MQ_BURST):
        zmq_msg_init(&first)
        if zmq_msg_recv(&first, src, ZMQ_DONTWAIT) < 0:
            err = c_zmq_errno()
            zmq_msg_close(&first)
            if err == EAGAIN:
                return 0
            gz_errno_set(err)
            return -1
        if _mq_relay(src, dst, mon, prefix, prefix_len, swap_ids, &first) < 0:
            return -1
    return 0


cdef int _mq_loop(void *ins, void *outs, void *mons, const char *in_prefix, size_t in_len,
                  const char *out_prefix, size_t out_len, bint swap_ids) noexcept nogil:
    """Run until an error; returns its errno."""
    cdef zmq_pollitem_t items[2]
    items[0].socket = ins
    items[0].fd = 0
    items[0].events = ZMQ_POLLIN
    items[0].revents = 0
    items[1].socket = outs
    items[1].fd = 0
    items[1].events = ZMQ_POLLIN
    items[1].revents = 0
    while True:
        if c_zmq_poll(items, 2, -1) < 0:
            return c_zmq_errno()
        if items[0].revents & ZMQ_POLLIN:
            if _mq_burst(ins, outs, mons, in_prefix, in_len, swap_ids) < 0:
                return c_zmq_errno()
        if items[1].revents & ZMQ_POLLIN:
            if _mq_burst(outs, ins, mons, out_prefix, out_len, swap_ids) < 0:
                return c_zmq_errno()


cdef struct _mq_run:
    void *ins
    void *outs
    void *mons
    const char *in_c
    size_t in_len
    const char *out_c
    size_t out_len
    bint swap_ids


cdef int _mq_wait(void *arg) noexcept nogil:
    cdef _mq_run *r = <_mq_run *>arg
    gz_errno_set(_mq_loop(r.ins, r.outs, r.mons, r.in_c, r.in_len, r.out_c, r.out_len,
                          r.swap_ids))
    return -1


cdef bytes _mq_prefix(object value, str what):
    if isinstance(value, str):
        return (<str>value).encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError("%s must be bytes, not %s" % (what, type(value).__name__))
    return value


def monitored_queue(Socket in_socket not None, Socket out_socket not None,
                    Socket mon_socket not None, in_prefix=b"in", out_prefix=b"out"):
    """Forward messages both ways between in_socket and out_socket, and copy each one to
    mon_socket as ``[prefix, *frames]`` (``in_prefix`` for messages that arrived on
    in_socket, ``out_prefix`` for the others).

    With ROUTER on both sides, the first two frames (sender and recipient routing ids) are
    swapped on the way through. Runs with the GIL released until an error, which it raises
    (ContextTerminated when the context is terminated).
    """
    cdef bytes inp = _mq_prefix(in_prefix, "in_prefix")
    cdef bytes outp = _mq_prefix(out_prefix, "out_prefix")
    cdef const char *in_c = inp
    cdef const char *out_c = outp
    cdef size_t in_len = len(inp)
    cdef size_t out_len = len(outp)
    cdef _mq_run r
    socks = (in_socket, out_socket, mon_socket)
    for s in socks:
        _open(s)
    r.swap_ids = in_socket.socket_type == _MQ_ROUTER and out_socket.socket_type == _MQ_ROUTER
    r.ins, r.outs, r.mons = in_socket.handle, out_socket.handle, mon_socket.handle
    r.in_c, r.in_len, r.out_c, r.out_len = in_c, in_len, out_c, out_len
    _blocking(socks, _mq_wait, &r, False)
