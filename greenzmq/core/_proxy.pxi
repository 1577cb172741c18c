# proxy and device: libzmq's zmq_proxy; proxy_steerable: our own loop (below). GIL released.

cdef int _zmq_proxy_wait(void *arg) noexcept nogil:
    cdef void **h = <void **>arg
    return zmq_proxy(h[0], h[1], h[2])


cdef int _run_proxy(Socket frontend, Socket backend, Socket capture) except -1:
    # libzmq's zmq_proxy; the steerable one is ours (_steerable below): 4.3.4's aborts the
    # process on an unknown control command
    cdef void *h[3]
    socks = tuple([s for s in (frontend, backend, capture) if s is not None])
    for s in socks:
        _open(s)
    h[0], h[1] = frontend.handle, backend.handle
    h[2] = capture.handle if capture is not None else NULL
    # libzmq's loop cannot be woken: close() from another thread says EBUSY
    return _blocking(socks, _zmq_proxy_wait, h, False)


def proxy(Socket frontend not None, Socket backend not None, Socket capture=None):
    """Forward messages between frontend and backend (copying to capture) until the
    context is terminated (raises ContextTerminated). Releases the GIL."""
    _run_proxy(frontend, backend, capture)


def proxy_steerable(Socket frontend not None, Socket backend not None, Socket capture=None,
                    Socket control=None):
    """proxy() that obeys PAUSE, RESUME, TERMINATE and STATISTICS on ``control``.

    Our own loop, not libzmq's (libzmq 4.3.4 aborts the process on an unknown command and
    leaves a REP control socket without a reply). A REP control socket gets an empty reply
    to PAUSE, RESUME and TERMINATE (as libzmq 4.3.5 does) and ``b"ERROR"`` to anything
    else (a command is one frame: more frames make it unknown); other control types get
    no reply and unknown commands are ignored. STATISTICS replies with 8 native-endian
    uint64 frames: frontend messages in, bytes in, messages out, bytes out, then the same
    four for the backend (a multipart message counts once); the reply is dropped when the
    control socket cannot take it. Without ``control`` it is proxy(). Releases the GIL.

    Returns
    -------
    int
        0, when TERMINATE arrives. Other ends raise (ContextTerminated on term()).
    """
    return _steerable(frontend, backend, capture, control)


def device(int device_type, Socket frontend not None, Socket backend not None):
    """The old device API: QUEUE, FORWARDER or STREAMER, all run as proxy()."""
    if device_type not in (1, 2, 3):
        raise ValueError("device_type must be QUEUE, FORWARDER or STREAMER, not %r" % device_type)
    _run_proxy(frontend, backend, None)


# --- proxy_steerable: our own loop --------------------------------------------------------
# zmq_proxy_steerable in libzmq 4.3.4 asserts (aborts the process) on an unknown control
# command and answers only STATISTICS, which strands a REQ client after PAUSE. This loop
# follows monitored_queue's model: zmq_poll, bursts of messages per wakeup, GIL released.

from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memset

from greenzmq.constants import REP as _PS_REP


cdef enum:
    # messages relayed from one side per wakeup before the others get a turn (libzmq's size)
    _PS_BURST = 1000
    # a signal that lands between syscalls leaves no EINTR behind; after work, look for
    # pending signals at least this often (ms), so Ctrl-C is never lost in a busy proxy
    _PS_SIGNAL_MS = 50
    # _ps_loop results besides 0 (TERMINATE) and a positive errno
    _PS_CHECK_SIGNALS = -1
    _PS_TERMINATE = -2


cdef struct _ps_state:
    # frontend msgs in, bytes in, msgs out, bytes out, then the backend's (libzmq's order)
    uint64_t stats[8]
    int paused
    # direction d had input while its destination could not take it: wait for POLLOUT
    int stalled[2]
    # work done since the last signal check
    int busy


cdef int _ps_send(void *s, zmq_msg_t *msg, int flags) noexcept nogil:
    # a message already started must be finished, so EINTR is simply retried
    cdef int rc
    while True:
        rc = zmq_msg_send(msg, s, flags)
        if rc >= 0 or c_zmq_errno() != EINTR:
            return rc


cdef int _ps_recv(void *s, zmq_msg_t *msg) noexcept nogil:
    cdef int rc
    while True:
        rc = zmq_msg_recv(msg, s, 0)
        if rc >= 0 or c_zmq_errno() != EINTR:
            return rc


cdef int _ps_pass_frame(zmq_msg_t *frame, void *dst, void *cap, int more) noexcept nogil:
    """Send frame to dst and, if cap, a copy to cap; frame is consumed. -1 on error."""
    cdef zmq_msg_t copy
    cdef int flags = ZMQ_SNDMORE if more else 0
    cdef int err
    if cap == NULL:
        if _ps_send(dst, frame, flags) < 0:
            err = c_zmq_errno()
            zmq_msg_close(frame)
            gz_errno_set(err)
            return -1
        return 0
    zmq_msg_init(&copy)
    # the copy shares large payloads by reference count: no memcpy
    if zmq_msg_copy(&copy, frame) < 0 or _ps_send(dst, frame, flags) < 0:
        err = c_zmq_errno()
        zmq_msg_close(&copy)
        zmq_msg_close(frame)
        gz_errno_set(err)
        return -1
    if _ps_send(cap, &copy, flags) < 0:
        err = c_zmq_errno()
        zmq_msg_close(&copy)
        gz_errno_set(err)
        return -1
    return 0


cdef int _ps_burst(void *src, void *dst, void *cap, uint64_t *src_stats,
                   uint64_t *dst_stats) noexcept nogil:
    """Relay up to a burst of the messages src has ready. 0, or -1 with errno set."""
    cdef zmq_msg_t frame
    cdef int i, more, err
    cdef uint64_t size
    for i in range(_PS_BURST):
        zmq_msg_init(&frame)
        # EINTR here leaves nothing half done: the caller checks signals and comes back
        if zmq_msg_recv(&frame, src, ZMQ_DONTWAIT) < 0:
            err = c_zmq_errno()
            zmq_msg_close(&frame)
            if err == EAGAIN:
                return 0
            gz_errno_set(err)
            return -1
        size = 0
        while True:
            size += zmq_msg_size(&frame)
            more = zmq_msg_more(&frame)
            if _ps_pass_frame(&frame, dst, cap, more) < 0:
                return -1
            if not more:
                break
            zmq_msg_init(&frame)
            if _ps_recv(src, &frame) < 0:
                err = c_zmq_errno()
                zmq_msg_close(&frame)
                gz_errno_set(err)
                return -1
        # a multipart message counts once, as in libzmq
        src_stats[0] += 1
        src_stats[1] += size
        dst_stats[2] += 1
        dst_stats[3] += size
    return 0


cdef int _ps_reply(void *ctl, const void *buf, size_t n, int flags) noexcept nogil:
    """Send one reply frame without blocking. 0 (also when it could not be delivered:
    a control peer that does not read must not stall the proxy), or -1 on ETERM."""
    cdef int rc
    while True:
        rc = zmq_send(ctl, buf, n, flags | ZMQ_DONTWAIT)
        if rc >= 0:
            return 0
        if c_zmq_errno() == ETERM:
            return -1
        if c_zmq_errno() != EINTR:
            # EAGAIN (no peer, full), ENOTSUP (a SUB control), EFSM: drop the reply
            return 0


cdef int _ps_control(void *ctl, bint rep, _ps_state *st) noexcept nogil:
    """Run the commands queued on ctl. 0, _PS_TERMINATE, or -1 with errno set."""
    cdef zmq_msg_t msg
    cdef int i, j, k, err, multi
    cdef size_t n
    cdef const char *data
    for i in range(_PS_BURST):
        zmq_msg_init(&msg)
        if zmq_msg_recv(&msg, ctl, ZMQ_DONTWAIT) < 0:
            err = c_zmq_errno()
            zmq_msg_close(&msg)
            if err == EAGAIN:
                return 0
            gz_errno_set(err)
            return -1
        # a command is one frame; more frames make it unknown (read them all: a REP
        # socket takes a whole request before it can reply)
        multi = zmq_msg_more(&msg)
        n = zmq_msg_size(&msg)
        data = <const char *>zmq_msg_data(&msg)
        j = 0  # 1 PAUSE, 2 RESUME, 3 TERMINATE, 4 STATISTICS, 0 unknown
        if not multi:
            if n == 5 and memcmp(data, b"PAUSE", 5) == 0:
                j = 1
            elif n == 6 and memcmp(data, b"RESUME", 6) == 0:
                j = 2
            elif n == 9 and memcmp(data, b"TERMINATE", 9) == 0:
                j = 3
            elif n == 10 and memcmp(data, b"STATISTICS", 10) == 0:
                j = 4
        zmq_msg_close(&msg)
        while multi:
            zmq_msg_init(&msg)
            if _ps_recv(ctl, &msg) < 0:
                err = c_zmq_errno()
                zmq_msg_close(&msg)
                gz_errno_set(err)
                return -1
            multi = zmq_msg_more(&msg)
            zmq_msg_close(&msg)
        if j == 4:
            for k in range(8):
                if _ps_reply(ctl, &st.stats[k], sizeof(uint64_t), ZMQ_SNDMORE if k < 7 else 0) < 0:
                    gz_errno_set(ETERM)
                    return -1
            continue
        if j == 1:
            st.paused = 1
        elif j == 2:
            st.paused = 0
        if rep:
            # libzmq 4.3.5 answers PAUSE/RESUME/TERMINATE with an empty frame on REP
            if (_ps_reply(ctl, b"", 0, 0) if j else _ps_reply(ctl, b"ERROR", 5, 0)) < 0:
                gz_errno_set(ETERM)
                return -1
        if j == 3:
            return _PS_TERMINATE
    return 0


cdef int _ps_writable(void *s, int *out) noexcept nogil:
    cdef int events = 0
    cdef size_t size = sizeof(int)
    if zmq_getsockopt(s, ZMQ_EVENTS, &events, &size) < 0:
        return -1
    out[0] = (events & ZMQ_POLLOUT) != 0
    return 0


cdef int _ps_loop(void *f, void *b, void *cap, void *ctl, bint rep,
                  _ps_state *st) noexcept nogil:
    """Run until TERMINATE (0), a signal check (_PS_CHECK_SIGNALS) or an error (errno)."""
    cdef zmq_pollitem_t items[3]
    cdef void *src[2]
    cdef void *dst[2]
    cdef uint64_t *sstats[2]
    cdef uint64_t *dstats[2]
    cdef int idx[2]      # poll item of f and of b (-1: not polled)
    cdef int ndir, nitems, d, i, s_i, d_i, ok, rc, k_i
    cdef long timeout
    cdef void *p
    cdef void *watch = NULL
    src[0], dst[0], sstats[0], dstats[0] = f, b, &st.stats[0], &st.stats[4]
    src[1], dst[1], sstats[1], dstats[1] = b, f, &st.stats[4], &st.stats[0]
    # one socket on both ends (e.g. a ROUTER hairpin): one direction, as in libzmq
    ndir = 1 if f == b else 2
    rc = 0
    while True:
        nitems = 0
        idx[0] = idx[1] = -1
        if not st.paused:
            for d in range(ndir):
                # poll the source for input, or the destination for room when it was full
                p = dst[d] if st.stalled[d] else src[d]
                s_i = 0 if p == f else 1
                if idx[s_i] < 0:
                    idx[s_i] = nitems
                    items[nitems].socket = p
                    items[nitems].fd = 0
                    items[nitems].events = 0
                    nitems += 1
                items[idx[s_i]].events |= ZMQ_POLLOUT if st.stalled[d] else ZMQ_POLLIN
        k_i = -1
        if ctl != NULL:
            k_i = nitems
            items[nitems].socket = ctl
            items[nitems].fd = 0
            items[nitems].events = ZMQ_POLLIN
            nitems += 1
        for i in range(nitems):
            items[i].revents = 0
        timeout = _PS_SIGNAL_MS if st.busy else -1
        i = c_zmq_poll(items, nitems, timeout)
        if i < 0:
            rc = c_zmq_errno()
            break
        if i == 0:
            rc = _PS_CHECK_SIGNALS
            break
        if k_i >= 0 and items[k_i].revents & ZMQ_POLLIN:
            i = _ps_control(ctl, rep, st)
            if i == _PS_TERMINATE:
                rc = 0
                break
            if i < 0:
                rc = c_zmq_errno()
                break
        if not st.paused:
            for d in range(ndir):
                s_i = 0 if src[d] == f else 1
                d_i = 0 if dst[d] == f else 1
                ok = 0
                if st.stalled[d]:
                    if idx[d_i] >= 0 and items[idx[d_i]].revents & ZMQ_POLLOUT:
                        st.stalled[d] = 0
                        ok = 1
                elif idx[s_i] >= 0 and items[idx[s_i]].revents & ZMQ_POLLIN:
                    # read only what the destination can take, so a full (or peerless)
                    # destination never blocks the loop and control stays responsive
                    if _ps_writable(dst[d], &ok) < 0:
                        rc = c_zmq_errno()
                        break
                    st.stalled[d] = not ok
                if ok:
                    if _ps_burst(src[d], dst[d], cap, sstats[d], dstats[d]) < 0:
                        rc = c_zmq_errno()
                        break
                    if not st.busy:
                        st.busy = 1
                        watch = zmq_stopwatch_start()
            if rc:
                break
        if st.busy and watch != NULL and zmq_stopwatch_intermediate(watch) >= _PS_SIGNAL_MS * 1000:
            rc = _PS_CHECK_SIGNALS
            break
    if watch != NULL:
        zmq_stopwatch_stop(watch)
    return rc


cdef struct _ps_run:
    void *f
    void *b
    void *c
    void *k
    bint rep
    _ps_state st


cdef int _ps_wait(void *arg) noexcept nogil:
    cdef _ps_run *r = <_ps_run *>arg
    cdef int rc
    # a fresh start: _blocking has just run the signal handlers
    r.st.busy = 0
    rc = _ps_loop(r.f, r.b, r.c, r.k, r.rep, &r.st)
    if rc == 0:
        return 0
    gz_errno_set(EINTR if rc == _PS_CHECK_SIGNALS else rc)
    return -1


cdef int _steerable(Socket frontend, Socket backend, Socket capture, Socket control) except -1:
    cdef _ps_run r
    memset(&r, 0, sizeof(r))
    socks = tuple([s for s in (frontend, backend, capture, control) if s is not None])
    for s in socks:
        _open(s)
    r.f, r.b = frontend.handle, backend.handle
    r.c = capture.handle if capture is not None else NULL
    r.k = control.handle if control is not None else NULL
    r.rep = control is not None and control.socket_type == _PS_REP
    return _blocking(socks, _ps_wait, &r, False)



cdef int _recv_rest(void *s, zmq_msg_t **frames, int *cap) except -1:
    """Receive the frames after frames[0] of one message; -> how many frames in all."""
    cdef int n = 1, err
    cdef zmq_msg_t *grown
    while zmq_msg_more(&frames[0][n - 1]):
        if n == cap[0]:
            grown = <zmq_msg_t *>realloc(frames[0], 2 * cap[0] * sizeof(zmq_msg_t))
            if grown == NULL:
                raise MemoryError()
            frames[0], cap[0] = grown, 2 * cap[0]
        zmq_msg_init(&frames[0][n])
        # the rest of a message is there already: libzmq delivers messages whole
        if zmq_msg_recv(&frames[0][n], s, ZMQ_DONTWAIT) < 0:
            err = c_zmq_errno()
            for i in range(n + 1):
                zmq_msg_close(&frames[0][i])
            _raise(err)
        n += 1
    return n


def _forward_burst(Socket src not None, Socket dst not None, int limit):
    """Move up to ``limit`` whole messages src -> dst without ever waiting (GIL held).

    The green devices' fast path: stops when src is empty or dst reports no POLLOUT.
    Returns ``(messages, bytes, dst_full, pending)``: ``pending`` is a message (list of
    bytes) taken from src that dst then refused (EAGAIN): the caller holds it and sends
    it first when dst has room again. dst_full is true in both cases.
    """
    cdef int cap = 8, n, i, events = 0, err
    cdef size_t sz
    cdef Py_ssize_t moved = 0
    cdef unsigned long long nbytes = 0, size
    cdef zmq_msg_t *frames
    cdef void *s
    cdef void *d
    src._check_open()
    dst._check_open()
    s, d = src.handle, dst.handle
    frames = <zmq_msg_t *>malloc(cap * sizeof(zmq_msg_t))
    if frames == NULL:
        raise MemoryError()
    try:
        while moved < limit:
            # POLLOUT costs a command round in libzmq: ask once per 64 messages (halves
            # the cost per message); an EAGAIN in between hands the message back
            if moved % 64 == 0:
                sz = sizeof(int)
                if zmq_getsockopt(d, ZMQ_EVENTS, &events, &sz) < 0:
                    _raise(c_zmq_errno())
                if not events & ZMQ_POLLOUT:
                    return moved, nbytes, True, None
            zmq_msg_init(&frames[0])
            if zmq_msg_recv(&frames[0], s, ZMQ_DONTWAIT) < 0:
                err = c_zmq_errno()
                zmq_msg_close(&frames[0])
                if err == EAGAIN:
                    return moved, nbytes, False, None
                _raise(err)
            n = _recv_rest(s, &frames, &cap)
            size = 0
            for i in range(n):
                size += zmq_msg_size(&frames[i])
            for i in range(n):
                # only the first frame may meet EAGAIN: the rest of a message always goes
                if zmq_msg_send(&frames[i], d, (ZMQ_SNDMORE if i < n - 1 else 0)
                                | (ZMQ_DONTWAIT if i == 0 else 0)) < 0:
                    err = c_zmq_errno()
                    pending = None
                    if i == 0 and err == EAGAIN:
                        pending = [PyBytes_FromStringAndSize(<char *>zmq_msg_data(&frames[j]),
                                                             zmq_msg_size(&frames[j]))
                                   for j in range(n)]
                    for j in range(i, n):
                        zmq_msg_close(&frames[j])
                    if pending is None:
                        _raise(err)
                    return moved, nbytes, True, pending
            moved += 1
            nbytes += size
        return moved, nbytes, False, None
    finally:
        free(frames)
