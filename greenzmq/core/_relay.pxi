# The one relay core: proxy, proxy_steerable, device and monitored_queue (threads) and the
# green devices all move messages with _relay_burst and obey control commands with
# _relay_control; threads run _relay_loop (zmq_poll, GIL released) through _blocking, the
# green devices call _Relay.pump from their greenlet and wait in the green engine.
#
# A burst never waits: it asks ZMQ_EVENTS for POLLOUT on the destination (and the capture
# socket) once per _RELAY_OUT_EVERY messages and sends the first frame of each message with
# DONTWAIT. A message that the destination (or the capture socket) then refuses is held in
# C and sent first once there is room, so order holds, neither direction blocks the other
# and control commands stay responsive. libzmq takes the rest of a message once its first
# frame is in.

from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memset

cdef enum:
    # messages one direction moves per wakeup before the other gets a turn (libzmq's size)
    _RELAY_BURST = 1000
    # POLLOUT costs a command round in libzmq: ask for it once per this many messages
    _RELAY_OUT_EVERY = 64
    # a signal that lands between syscalls leaves no EINTR behind: while busy, look for
    # pending signals at least this often (ms), so Ctrl-C is never lost under load
    _RELAY_SIGNAL_MS = 50
    _RELAY_TERMINATE = 1


cdef struct _route:
    # one direction: src -> dst, and a copy of each message to the relay's capture socket
    void *src
    void *dst
    const char *prefix    # capture frame in front of each copy (monitored_queue), or NULL
    size_t prefix_len
    uint64_t *in_stats    # src's messages/bytes in
    uint64_t *out_stats   # dst's messages/bytes out
    zmq_msg_t *buf        # the message in transit: frames [0, n), capture copies [n, 2n)
    int size              # frames buf has room for (per half)
    int n                 # frames of the held message; 0: none
    int ncopy             # capture copies made of them (n, or 0 without capture)
    int pos               # next item to send: dst frames, then [prefix,] capture copies
    uint64_t nbytes       # of the held message
    void *out             # the socket whose POLLOUT the route waits for, or NULL


cdef struct _relay_t:
    _route r[2]
    int nroutes           # 1 when frontend is backend (a ROUTER hairpin, as in libzmq)
    void *cap
    void *ctl
    int rep               # the control socket is REP: it gets replies
    int swap              # ROUTER to ROUTER: the first two frames trade places
    int paused
    # frontend messages in, bytes in, messages out, bytes out, then the backend's
    uint64_t stats[8]
    int wake[4]           # the sockets' wake-up fds (close() from another thread)
    int nwake


cdef int _relay_writable(void *s) noexcept nogil:
    """1 if s has room (POLLOUT), 0 if not, -1 with errno."""
    cdef int events = 0
    cdef size_t sz = sizeof(int)
    if zmq_getsockopt(s, ZMQ_EVENTS, &events, &sz) < 0:
        return -1
    return (events & ZMQ_POLLOUT) != 0


cdef int _route_take(_relay_t *rl, _route *x) noexcept nogil:
    """Receive src's next whole message into x.buf. 0, 1 (src empty) or -1 with errno."""
    cdef int n = 0, rc, err, i
    cdef zmq_msg_t *grown
    cdef zmq_msg_t tmp
    while True:
        if n == x.size:
            grown = <zmq_msg_t *>realloc(x.buf, 4 * x.size * sizeof(zmq_msg_t))
            if grown == NULL:
                err = ENOMEM
                break
            x.buf, x.size = grown, 2 * x.size
        zmq_msg_init(&x.buf[n])
        # only the first frame may be missing: libzmq delivers messages whole
        rc = zmq_msg_recv(&x.buf[n], x.src, ZMQ_DONTWAIT)
        if rc < 0:
            err = c_zmq_errno()
            zmq_msg_close(&x.buf[n])
            if n == 0 and (err == EAGAIN or err == EINTR):
                return 1
            if err == EINTR:
                continue
            break
        n += 1
        if not zmq_msg_more(&x.buf[n - 1]):
            x.nbytes = 0
            for i in range(n):
                x.nbytes += zmq_msg_size(&x.buf[i])
            if rl.swap and n >= 2:
                zmq_msg_init(&tmp)
                zmq_msg_move(&tmp, &x.buf[0])
                zmq_msg_move(&x.buf[0], &x.buf[1])
                zmq_msg_move(&x.buf[1], &tmp)
            x.ncopy = 0
            if rl.cap != NULL:
                # the copies share large payloads by reference count: no memcpy
                for i in range(n):
                    zmq_msg_init(&x.buf[n + i])
                    zmq_msg_copy(&x.buf[n + i], &x.buf[i])
                x.ncopy = n
            x.n, x.pos = n, 0
            return 0
    for i in range(n):
        zmq_msg_close(&x.buf[i])
    gz_errno_set(err)
    return -1


cdef void _route_drop(_route *x) noexcept nogil:
    cdef int i
    for i in range(x.n + x.ncopy):
        zmq_msg_close(&x.buf[i])
    x.n = x.ncopy = x.pos = 0


cdef int _route_flush(_relay_t *rl, _route *x) noexcept nogil:
    """Send what is left of the held message. 0 (sent), 1 (refused: held, x.out set) or
    -1 with errno."""
    cdef int n = x.n, k, j, flags, rc, err
    cdef int has_prefix = x.prefix != NULL
    cdef int total = n + (n + has_prefix if rl.cap != NULL else 0)
    cdef void *s
    while x.pos < total:
        k = x.pos
        # only the first item of a message may meet EAGAIN (libzmq takes the rest)
        if k < n:
            s = x.dst
            flags = (ZMQ_SNDMORE if k < n - 1 else 0) | (ZMQ_DONTWAIT if k == 0 else 0)
        else:
            s = rl.cap
            flags = (ZMQ_SNDMORE if k < total - 1 else 0) | (ZMQ_DONTWAIT if k == n else 0)
        j = k - n - has_prefix
        if k >= n and j < 0:
            rc = zmq_send(s, x.prefix, x.prefix_len, flags)
        else:
            rc = zmq_msg_send(&x.buf[k if k < n else n + j], s, flags)
        if rc < 0:
            err = c_zmq_errno()
            if err == EINTR:
                continue
            if err == EAGAIN and flags & ZMQ_DONTWAIT:
                x.out = s
                return 1
            gz_errno_set(err)
            return -1
        x.pos = k + 1
        if x.pos == n:
            # a multipart message counts once, as in libzmq
            x.in_stats[0] += 1
            x.in_stats[1] += x.nbytes
            x.out_stats[0] += 1
            x.out_stats[1] += x.nbytes
    _route_drop(x)
    return 0


cdef int _relay_burst(_relay_t *rl, _route *x, int limit, int *moved) noexcept nogil:
    """Move up to limit messages along x without waiting. 0 (src empty or limit reached),
    1 (the output has no room: x.out says which socket) or -1 with errno."""
    cdef int rc, i = 0
    moved[0] = 0
    x.out = NULL
    if x.n:
        rc = _route_flush(rl, x)
        if rc:
            return rc
        moved[0] = 1
    while moved[0] < limit:
        # (one socket on both ends, e.g. a REP echo: its POLLOUT comes only after the
        # request is in, so there the message is taken first and held if refused)
        if i % _RELAY_OUT_EVERY == 0:
            rc = _relay_writable(x.dst) if x.dst != x.src else 1
            if rc == 1 and rl.cap != NULL:
                x.out = rl.cap
                rc = _relay_writable(rl.cap)
            else:
                x.out = x.dst
            if rc <= 0:
                return -1 if rc < 0 else 1
            x.out = NULL
        i += 1
        rc = _route_take(rl, x)
        if rc:
            return -1 if rc < 0 else 0
        rc = _route_flush(rl, x)
        if rc:
            return rc
        moved[0] += 1
    return 0


cdef int _relay_reply(void *ctl, const void *buf, size_t n, int flags) noexcept nogil:
    """Send one reply frame without waiting: 0 (also when it could not be delivered: a
    control peer that does not read must not stall the relay), or -1 on ETERM."""
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


cdef int _relay_control(_relay_t *rl) noexcept nogil:
    """Run the commands queued on the control socket. 0, _RELAY_TERMINATE or -1 (errno).

    A command is one frame (more frames make it unknown; all are read, as a REP socket
    takes a whole request before it can reply): PAUSE, RESUME, TERMINATE, STATISTICS. A REP
    control socket gets b"" for the first three (as libzmq 4.3.5) and b"ERROR" for unknown
    ones; STATISTICS answers with the 8 counters as native-endian uint64 frames.
    """
    cdef zmq_msg_t msg
    cdef int i, j, k, err, multi
    cdef size_t n
    cdef const char *data
    cdef void *ctl = rl.ctl
    for i in range(_RELAY_BURST):
        zmq_msg_init(&msg)
        if zmq_msg_recv(&msg, ctl, ZMQ_DONTWAIT) < 0:
            err = c_zmq_errno()
            zmq_msg_close(&msg)
            if err == EAGAIN or err == EINTR:
                return 0
            gz_errno_set(err)
            return -1
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
            if zmq_msg_recv(&msg, ctl, 0) < 0:
                err = c_zmq_errno()
                zmq_msg_close(&msg)
                if err == EINTR:
                    continue
                gz_errno_set(err)
                return -1
            multi = zmq_msg_more(&msg)
            zmq_msg_close(&msg)
        if j == 4:
            for k in range(8):
                if _relay_reply(ctl, &rl.stats[k], sizeof(uint64_t),
                                ZMQ_SNDMORE if k < 7 else 0) < 0:
                    gz_errno_set(ETERM)
                    return -1
            continue
        if j == 1:
            rl.paused = 1
        elif j == 2:
            rl.paused = 0
        if rl.rep:
            if (_relay_reply(ctl, b"", 0, 0) if j else _relay_reply(ctl, b"ERROR", 5, 0)) < 0:
                gz_errno_set(ETERM)
                return -1
        if j == 3:
            return _RELAY_TERMINATE
    return 0


cdef int _relay_items(_relay_t *rl, zmq_pollitem_t *items, int *route_item) noexcept nogil:
    """Fill items with what the relay waits for; -> how many (route_item: per route)."""
    cdef int n = 0, d, i
    cdef void *s
    cdef short ev
    for d in range(rl.nroutes):
        route_item[d] = -1
        if rl.paused:
            continue
        # input, or room on the output that refused the last message
        s = rl.r[d].out if rl.r[d].out != NULL else rl.r[d].src
        ev = ZMQ_POLLOUT if rl.r[d].out != NULL else ZMQ_POLLIN
        for i in range(n):
            if items[i].socket == s:
                break
        else:
            i = n
            items[n].socket, items[n].fd, items[n].events = s, 0, 0
            n += 1
        items[i].events |= ev
        route_item[d] = i
    if rl.ctl != NULL:
        items[n].socket, items[n].fd, items[n].events = rl.ctl, 0, ZMQ_POLLIN
        n += 1
    for i in range(n):
        items[i].revents = 0
    return n


cdef int _relay_loop(void *arg) noexcept nogil:
    """The threads' relay: zmq_poll, then bursts. 0 on TERMINATE, -1 with errno (EINTR: a
    signal, or _RELAY_SIGNAL_MS of work without a look at signals), or _WOKEN."""
    cdef _relay_t *rl = <_relay_t *>arg
    cdef zmq_pollitem_t items[3 + 4]
    cdef int route_item[2]
    cdef int n, rc, d, i, moved, err, busy = 0
    cdef void *watch = NULL
    while True:
        n = _relay_items(rl, items, route_item)
        for i in range(rl.nwake):
            items[n + i].socket, items[n + i].fd = NULL, rl.wake[i]
            items[n + i].events, items[n + i].revents = ZMQ_POLLIN, 0
        rc = c_zmq_poll(items, n + rl.nwake, _RELAY_SIGNAL_MS if busy else -1)
        if rc < 0:
            break
        for i in range(n, n + rl.nwake):
            if items[i].revents:
                rc = _WOKEN
                break
        if rc == _WOKEN:
            break
        if rc == 0:  # busy, and quiet for a moment: look at signals
            gz_errno_set(EINTR)
            rc = -1
            break
        if rl.ctl != NULL and items[n - 1].revents & ZMQ_POLLIN:
            rc = _relay_control(rl)
            if rc == _RELAY_TERMINATE:
                rc = 0
                break
            if rc < 0:
                break
        for d in range(rl.nroutes):
            i = route_item[d]
            if rl.paused or i < 0 or not items[i].revents:
                continue
            rc = _relay_burst(rl, &rl.r[d], _RELAY_BURST, &moved)
            if rc < 0:
                break
            if moved and not busy:
                busy = 1
                watch = zmq_stopwatch_start()
        if rc < 0:
            break
        if busy and zmq_stopwatch_intermediate(watch) >= _RELAY_SIGNAL_MS * 1000:
            gz_errno_set(EINTR)
            rc = -1
            break
    if watch != NULL:
        err = c_zmq_errno()
        zmq_stopwatch_stop(watch)
        gz_errno_set(err)
    return rc


cdef class _Relay:
    """The relay core's state for one device: its sockets, held messages, counters.

    Parameters
    ----------
    frontend, backend : Socket
        Messages go both ways between them (one way when they are the same socket).
    capture : Socket, optional
        Gets a copy of every message (behind the direction's prefix, if any).
    control : Socket, optional
        Commands: PAUSE, RESUME, TERMINATE, STATISTICS.
    prefixes : (bytes, bytes), optional
        monitored_queue's capture prefixes for frontend->backend and backend->frontend.
    swap_ids : bool
        Swap the first two frames (monitored_queue between two ROUTER sockets).
    """

    cdef _relay_t rl
    cdef readonly tuple sockets
    cdef object _keep  # the prefix bytes the C strings point into

    def __cinit__(self, Socket frontend not None, Socket backend not None,
                  Socket capture=None, Socket control=None, prefixes=None, bint swap_ids=False):
        cdef int d
        memset(&self.rl, 0, sizeof(_relay_t))
        socks = [frontend, backend, capture, control]
        self.sockets = tuple([s for s in dict.fromkeys(socks) if s is not None])
        for s in self.sockets:
            _open(s)
        self.rl.nroutes = 1 if frontend is backend else 2
        self.rl.cap = capture.handle if capture is not None else NULL
        self.rl.ctl = control.handle if control is not None else NULL
        self.rl.rep = control is not None and control.socket_type == ZMQ_REP
        self.rl.swap = swap_ids
        for d in range(2):
            self.rl.r[d].src = (frontend if d == 0 else backend).handle
            self.rl.r[d].dst = (backend if d == 0 else frontend).handle
            self.rl.r[d].in_stats = &self.rl.stats[0 if d == 0 else 4]
            self.rl.r[d].out_stats = &self.rl.stats[6 if d == 0 else 2]
        if prefixes is not None:
            self._keep = tuple(_mq_prefix(p, w) for p, w in zip(prefixes, ("in_prefix",
                                                                           "out_prefix")))
            for d in range(2):
                b = <bytes>self._keep[d]
                self.rl.r[d].prefix = b
                self.rl.r[d].prefix_len = len(b)
        for d in range(2):
            self.rl.r[d].size = 8
            self.rl.r[d].buf = <zmq_msg_t *>malloc(2 * 8 * sizeof(zmq_msg_t))
            if self.rl.r[d].buf == NULL:
                raise MemoryError()

    def __dealloc__(self):
        cdef int d
        for d in range(2):
            if self.rl.r[d].buf != NULL:
                _route_drop(&self.rl.r[d])
                free(self.rl.r[d].buf)
                self.rl.r[d].buf = NULL

    @property
    def paused(self):
        """True after PAUSE (until RESUME)."""
        return self.rl.paused != 0

    @property
    def stats(self):
        """The 8 STATISTICS counters."""
        return [self.rl.stats[i] for i in range(8)]

    cdef int _check(self) except -1:
        for s in self.sockets:
            _open(s)
        return 0

    def steer(self):
        """Run the queued control commands (never waits); True on TERMINATE."""
        cdef int rc
        cdef int events = 0
        cdef size_t sz = sizeof(int)
        if self.rl.ctl == NULL:
            return False
        self._check()
        # only when a command waits (as the threads' loop, which polls): the green loop
        # asks once per burst, and a socket that cannot receive (PUB) is no error here
        if zmq_getsockopt(self.rl.ctl, ZMQ_EVENTS, &events, &sz) < 0:
            _raise(c_zmq_errno())
        if not events & ZMQ_POLLIN:
            return False
        rc = _relay_control(&self.rl)
        if rc < 0:
            _raise(c_zmq_errno())
        return rc == _RELAY_TERMINATE

    def pump(self, int limit):
        """One burst per direction (GIL held, never waits); -> messages moved."""
        cdef int d, moved, total = 0
        if self.rl.paused:
            return 0
        self._check()
        for d in range(self.rl.nroutes):
            if _relay_burst(&self.rl, &self.rl.r[d], limit, &moved) < 0:
                _raise(c_zmq_errno())
            total += moved
        return total

    def wait_items(self):
        """[(socket, events)] the relay needs before it can go on (for a poller)."""
        cdef zmq_pollitem_t items[3]
        cdef int route_item[2]
        cdef int i, n = _relay_items(&self.rl, items, route_item)
        by_handle = {<size_t>(<Socket>s).handle: s for s in self.sockets}
        return [(by_handle[<size_t>items[i].socket], items[i].events) for i in range(n)]

    def run(self):
        """The threads' loop, GIL released: returns 0 on TERMINATE, else raises (e.g.
        ContextTerminated, KeyboardInterrupt, ZMQError(ENOTSOCK) on a close from elsewhere)."""
        cdef int i = 0
        self.rl.nwake = 0
        for s in self.sockets:
            self.rl.wake[self.rl.nwake] = _wake_fd(s)
            if self.rl.wake[self.rl.nwake] >= 0:
                self.rl.nwake += 1
        return _blocking(self.sockets, _relay_loop, &self.rl)


cdef bytes _mq_prefix(object value, str what):
    if isinstance(value, str):
        return (<str>value).encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError("%s must be bytes, not %s" % (what, type(value).__name__))
    return value
